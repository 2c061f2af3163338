// A lesson has one origin (where the broadcast arrives, the console's media goes and the recording is made), on one hub
// node. The broadcaster's ingest calls and the lead console's socket may land on any node behind the load balancer: a
// node that does not host the origin while the registry names a live one elsewhere passes them on to that node instead
// of making a second origin — the ingest call as an HTTP request, the console's socket frame by frame after its join
// (its WebRTC media then goes straight to the origin node's SFU, whose addresses its join answer carries). A forwarded
// call carries FORWARDED_HEADER and is never forwarded again, so two nodes that disagree cannot bounce it forever.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebSocket, type RawData } from 'ws';
import { LIVE_WS_PATH } from '../../../../src/shared/live-protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import type { OriginNode } from './cross-node-mirror.ts';

export const FORWARDED_HEADER = 'x-hub-forwarded-by';
const FORWARD_TIMEOUT_MS = 5_000;

/** Whether this request was already forwarded by another node (it is then served here, whatever the registry says). */
export const wasForwarded = (headers: Record<string, string | string[] | undefined>) => headers[FORWARDED_HEADER] !== undefined;

/** The same request (method, path, credential, JSON body) to the origin node; its answer, status and body, as it is. */
export async function forwardRequest(request: FastifyRequest, reply: FastifyReply, origin: OriginNode, nodeId: string, fetchFn: typeof fetch = fetch) {
  const auth = request.headers.authorization;
  const body = request.body === undefined || request.body === null ? undefined : JSON.stringify(request.body);
  let response: Response;
  try {
    response = await fetchFn(`${origin.url}${request.url}`, {
      method: request.method,
      headers: { [FORWARDED_HEADER]: nodeId, ...(auth ? { authorization: auth } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
  } catch (error) {
    request.log.warn({ err: error, origin: origin.nodeId }, 'live call not forwarded to the origin node');
    throw new HubError('upstream_unavailable', `the hub node hosting this lesson (${origin.nodeId}) does not answer; try again`);
  }
  const text = await response.text();
  return reply.status(response.status).type(response.headers.get('content-type') ?? 'application/json').send(text);
}

export type ConsoleUpstream = { send(text: string): void; close(): void };
/** The console's own socket as the forwarding sees it (the request loop's RequestSocket fits). */
export type ConsoleClient = { sendRaw(text: string): void; close(code: number, reason: string): void; readonly isOpen: boolean };

/** A close code that may be sent on (1005/1006/1015 only describe what happened; 1012 then: the console reconnects). */
const passable = (code: number) => (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);

/**
 * Opens the console's socket on the origin node and sends it the console's join; from then on every frame goes through
 * as it is, both ways, and either side closing closes the other. Refused by name when the origin does not answer.
 */
export async function forwardConsoleSocket(client: ConsoleClient, origin: OriginNode, nodeId: string, joinFrame: string, log: (line: string) => void): Promise<ConsoleUpstream> {
  const url = `${origin.url.replace(/^http/, 'ws')}${LIVE_WS_PATH}`;
  const upstream = new WebSocket(url, { headers: { [FORWARDED_HEADER]: nodeId }, perMessageDeflate: true, handshakeTimeout: FORWARD_TIMEOUT_MS });
  await new Promise<void>((resolve, reject) => {
    upstream.once('open', () => resolve());
    upstream.once('error', (error) => {
      log(`hub: console socket not forwarded to node ${origin.nodeId}: ${error.message}`);
      reject(new HubError('upstream_unavailable', `the hub node hosting this lesson (${origin.nodeId}) does not answer; try again`));
    });
  });
  // The console left while the origin node was being reached: nothing to forward (its join is not sent).
  if (!client.isOpen) {
    upstream.close(1000, 'console left');
    return { send: () => undefined, close: () => undefined };
  }
  const text = (raw: RawData) => (Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw)).toString('utf8');
  upstream.on('message', (raw: RawData) => {
    client.sendRaw(text(raw));
  });
  upstream.on('error', (error) => log(`hub: forwarded console socket to node ${origin.nodeId}: ${error.message}`));
  upstream.on('close', (code, reason) => {
    if (client.isOpen) client.close(passable(code) ? code : 1012, reason.toString('utf8').slice(0, 100) || 'origin node closed');
  });
  upstream.send(joinFrame);
  return {
    send(frame) {
      if (upstream.readyState === upstream.OPEN) upstream.send(frame);
    },
    close() {
      if (upstream.readyState === upstream.OPEN || upstream.readyState === upstream.CONNECTING) upstream.close(1000, 'console left');
    },
  };
}
