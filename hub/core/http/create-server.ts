// The one HTTP server under the county hub and the school edge (issue 24: the edge is the same server with a different
// feature set, not a copy). Every response that is not a success is `{ error: { code, message } }` with a protocol
// ErrorCode, whatever went wrong (bad JSON, unknown route, a malformed request line, too large, a bug), so clients can
// always say why in zh-CN; a refusal that says when to come back carries Retry-After. Who may call what is decided by
// the access group each route is registered in (access-groups.ts) — never by reading the URL.
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, type ErrorResponse } from '../../../src/shared/protocol.ts';
import { createRouteTable, type Guards, type HubRoute, type RouteTable } from './access-groups.ts';
import { sendHubError } from './error-status.ts';
import { HubError } from './hub-error.ts';
import { refuseOtherUpgrades } from './upgrade-guard.ts';

/** Levels a hub's log can be set to (HUB_LOG_LEVEL); `info` adds a line per request. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug'] as const;
/**
 * Where the server's own log goes (pino lines: 500s with their stack, failed background work, skipped packs): to the
 * process's log in `npm run hub`/`--edge`. `false` only in tests that look at answers, not logs.
 */
export type ServerLogger = false | { level: (typeof LOG_LEVELS)[number]; write: (line: string) => void };

/** A request as the log shows it: the admin pages take their credential as `?key=`, which never reaches the log. */
function loggedRequest(request: { method: string; url: string; ip?: string }) {
  return { method: request.method, url: request.url.replace(/([?&]key=)[^&#]*/gi, '$1[redacted]'), remoteAddress: request.ip };
}

export type ServerOptions = {
  /** Said in protocol refusals: `hub speaks protocol 3, client 2` / `edge speaks …`. */
  speaker: 'hub' | 'edge';
  logger?: ServerLogger;
  bodyLimitBytes?: number;
  /** Load balancers / caches in front whose X-Forwarded-For is believed (per-address limits count classrooms). */
  trustProxy?: string[];
  /** Serve HTTPS (and wss on the same server) with this certificate; plain HTTP without it. */
  tls?: { cert: string; key: string };
  /** Response headers the renderer must be able to read besides the content ones (the hub's clock, batch size). */
  exposedHeaders?: string[];
  /** The guard of each access group this server has; registering a group without one fails at start. */
  guards: Partial<Guards>;
  onRoute?: (route: HubRoute) => void;
  /** Paths with a WebSocket (live signalling, sync): any other upgrade, and CONNECT, is refused in the error shape. */
  webSocketPaths: readonly string[];
  /** Sees every refusal sent (the edge counts them for IT's status page). */
  onRefusal?: (error: HubError) => void;
};

/** Response types sent compressed when the client accepts it (see createServer). */
export const COMPRESSED_TYPES = /^(application\/json|text\/html|text\/css|text\/javascript|application\/javascript|text\/csv)(;|$)/;

export async function createServer(options: ServerOptions): Promise<{ app: FastifyInstance; table: RouteTable }> {
  const common = {
    logger: options.logger ? { level: options.logger.level, stream: { write: options.logger.write }, serializers: { req: loggedRequest } } : false,
    bodyLimit: options.bodyLimitBytes ?? 4 * 1024 * 1024,
    // Errors Fastify meets before routing (a malformed percent-escape, an over-long parameter) in the one shape too.
    frameworkErrors: (error: FastifyError, _request: unknown, reply: FastifyReply) => {
      const body: ErrorResponse = { error: { code: 'bad_request', message: error.message.slice(0, 2000) } };
      void reply.status(error.statusCode ?? 400).send(body);
    },
    clientErrorHandler: answerClientError,
    ...(options.trustProxy && options.trustProxy.length > 0 ? { trustProxy: options.trustProxy } : {}),
  };
  // Node would answer a request without Host with a bare 400 of its own; the hub needs no Host, so it answers as usual.
  const server = { requireHostHeader: false };
  // https.Server is an http.Server with TLS in front (same request and upgrade events), so every route and the
  // WebSockets (attached to app.server) serve HTTPS and wss unchanged; only Fastify's generic differs.
  const app = options.tls
    ? (Fastify({ ...common, https: { ...server, cert: options.tls.cert, key: options.tls.key } }) as unknown as FastifyInstance)
    : Fastify({ ...common, http: server });

  // The renderer is served apart from the hub (file:// in Electron, another port in a browser): allow any origin.
  // Safe because devices authenticate with a bearer token, never cookies (the staff pages opt out: withoutCors).
  // Credentialed requests are allowed (the origin echoed, as the Fetch standard requires) only so the downloader can
  // use the browser's second connection pool: browsers keep credentialed and uncredentialed connections apart.
  await app.register(cors, {
    origin: true,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'content-encoding', 'range', 'if-none-match', PROTOCOL_HEADER],
    // Without these, fetch() in the renderer could not read what makes a chunk verifiable.
    exposedHeaders: ['content-range', 'content-length', 'etag', 'accept-ranges', ...(options.exposedHeaders ?? [])],
    maxAge: 86_400,
    // An OPTIONS without preflight headers gets the same empty 204, not the plugin's plain-text 400.
    strictPreflight: false,
  });

  // Answers in JSON (the pull, the pack list, the report) and the pages' own files go compressed to whoever asks for it:
  // on a village link shared by a whole school they are a tenth of the bytes (a classroom's first pull page: 27.9 →
  // 2.8 KB). Never blobs (content chunks, recordings, installers: already compressed, and served by byte Range, which a
  // compressed body would not match); so only these types, not the plugin's default list (which takes octet-stream).
  // Request bodies are not its business: the push inflates its own (inflate-body.ts, with the body limit applied).
  await app.register(compress, { customTypes: COMPRESSED_TYPES, encodings: ['br', 'gzip'], threshold: 1024, globalDecompression: false });

  app.addHook('onRequest', async (request) => {
    const header = request.headers[PROTOCOL_HEADER];
    if (header === undefined || request.method === 'OPTIONS') return; // curl and admin tools may omit it
    const version = Number(header);
    const speaks = `${options.speaker} speaks protocol ${PROTOCOL_VERSION}, client ${version}`;
    if (!Number.isInteger(version)) throw new HubError('bad_request', `${PROTOCOL_HEADER} must be an integer`);
    if (version < PROTOCOL_VERSION) throw new HubError('client_too_old', speaks);
    if (version > PROTOCOL_VERSION) throw new HubError('hub_too_old', speaks);
  });

  app.setErrorHandler((error: FastifyError | HubError, request, reply) => {
    let refusal: HubError;
    if (error instanceof HubError) refusal = error;
    else if (error.statusCode === 413) refusal = new HubError('payload_too_large', error.message);
    else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) refusal = new HubError('bad_request', error.message);
    else {
      request.log.error(error);
      refusal = new HubError('internal', 'internal error');
    }
    options.onRefusal?.(refusal);
    return sendHubError(reply, refusal);
  });
  app.setNotFoundHandler((request, reply) => sendHubError(reply, new HubError('not_found', `${request.method} ${request.url}`.slice(0, 300))));

  refuseOtherUpgrades(app.server, options.webSocketPaths);
  const table = createRouteTable(app, options.guards, options.onRoute);
  return { app, table };
}

/** A request Node's parser refused (bad request line, headers too large): answered in the error shape, then closed. */
function answerClientError(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message]: [number, string, ErrorResponse['error']['code'], string] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'payload_too_large', 'request headers too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'bad_request', 'request not received in time']
        : [400, 'Bad Request', 'bad_request', `malformed request (${error.code ?? 'parse error'})`];
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorResponse);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
