// The hub's HTTP server. Every response that is not a success is `{ error: { code, message } }` with a protocol
// ErrorCode, whatever went wrong (bad JSON, unknown route, too large, a bug), so clients can always say why in zh-CN.
import cors from '@fastify/cors';
import { createGunzip } from 'node:zlib';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { HubPaths, PROTOCOL_HEADER, PROTOCOL_VERSION, type ErrorResponse, type HealthResponse } from '../../src/shared/protocol.ts';
import { registerAdminRoutes } from './admin-routes.ts';
import { registerSyncRoutes } from '../sync/sync-routes.ts';
import { registerDeviceRoutes } from './device-routes.ts';
import { registerContentRoutes } from '../content/content-routes.ts';
import { registerLiveRoutes } from '../live/live-routes.ts';
import type { LiveSfu } from '../live/live-sfu.ts';
import { registerUpdateRoutes } from '../updates/update-routes.ts';
import { registerNetProbeRoutes } from '../diagnostics/net-probe-routes.ts';
import { HubError } from './hub-error.ts';
import type { HubContext } from './hub-context.ts';

export type CreateHubOptions = Omit<HubContext, 'now'> & {
  now?: () => Date;
  logger?: boolean;
  bodyLimitBytes?: number;
  /** The SFU for live lessons, or why there is none (shown to clients that try to join). */
  live?: { sfu: LiveSfu | null; unavailable?: string };
  /** Folder of the electron-updater feed (`<data>/updates`); without it /updates/* answers 404. */
  updatesDir?: string;
};

export async function createHub(options: CreateHubOptions): Promise<FastifyInstance> {
  const ctx: HubContext = { ...options, now: options.now ?? (() => new Date()) };
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: options.bodyLimitBytes ?? 4 * 1024 * 1024 });

  // The renderer is served apart from the hub (file:// in Electron, another port in a browser): allow any origin.
  // Safe because devices authenticate with a bearer token, never cookies. Credentialed requests are allowed (the
  // origin echoed, as the Fetch standard requires for them) only so the downloader can use the browser's second
  // connection pool: browsers keep credentialed and uncredentialed connections apart, 6 each (hub-client.ts).
  await app.register(cors, {
    origin: true,
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'content-encoding', 'range', 'if-none-match', PROTOCOL_HEADER],
    maxAge: 86_400,
  });

  // Devices gzip their pushes (ops compress ~10×, and the link is the bottleneck). bodyLimit applies to the inflated
  // stream, so a small bomb cannot grow past it.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined || encoding === 'identity') return payload;
    if (encoding !== 'gzip') throw new HubError('bad_request', `unsupported content-encoding ${encoding}`);
    delete request.headers['content-length'];
    return payload.pipe(createGunzip());
  });

  app.addHook('onRequest', async (request) => {
    const header = request.headers[PROTOCOL_HEADER];
    if (header === undefined || request.method === 'OPTIONS') return; // curl and admin tools may omit it
    const version = Number(header);
    if (!Number.isInteger(version)) throw new HubError('bad_request', `${PROTOCOL_HEADER} must be an integer`);
    if (version < PROTOCOL_VERSION) throw new HubError('client_too_old', `hub speaks protocol ${PROTOCOL_VERSION}, client ${version}`);
    if (version > PROTOCOL_VERSION) throw new HubError('hub_too_old', `hub speaks protocol ${PROTOCOL_VERSION}, client ${version}`);
  });

  app.setErrorHandler((error: FastifyError | HubError, request, reply) => {
    let hubError: HubError;
    if (error instanceof HubError) hubError = error;
    else if (error.statusCode === 413) hubError = new HubError('payload_too_large', error.message);
    else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) hubError = new HubError('bad_request', error.message);
    else {
      request.log.error(error);
      hubError = new HubError('internal', 'internal error');
    }
    const body: ErrorResponse = { error: { code: hubError.code, message: hubError.message } };
    return reply.status(hubError.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorResponse = { error: { code: 'not_found', message: `${request.method} ${request.url}` } };
    return reply.status(404).send(body);
  });

  app.get(HubPaths.health, async () => {
    const health: HealthResponse = { protocol: PROTOCOL_VERSION, hubName: ctx.hubName, serverTime: ctx.now().toISOString() };
    return health;
  });
  registerDeviceRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  registerSyncRoutes(app, ctx);
  registerContentRoutes(app, ctx);
  registerLiveRoutes(app, ctx, options.live?.sfu, options.live?.unavailable);
  registerUpdateRoutes(app, options.updatesDir);
  registerNetProbeRoutes(app, ctx);
  return app;
}
