// What the county's and the school edge's live signalling have in common on top of the one request loop
// (ws-request-server.ts): the server spec for the live protocol, its refusals by name, and the handler map built from
// a socket's hello, join and "everything else once joined".
import type { PerMessageDeflateOptions } from 'ws';
import { LIVE_MAX_FRAME_BYTES, LIVE_WS_PATH, liveCodec, liveMethods, type LiveErrorCode, type LiveMethod, type LiveNotification, type LiveRequests } from '../../../../src/shared/live-protocol.ts';
import type { RequestOutput, ResponseInput, WireRefusal } from '../../../../src/shared/ws-request.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { LiveRefusal } from './live-refusal.ts';
import type { SocketDeadlineOptions } from '../../../core/sockets/socket-keepalive.ts';
import type { RequestHandlers, RequestServerSpec, RequestSession } from '../../../core/sockets/ws-request-server.ts';

export type LiveSession = RequestSession<LiveRequests, LiveErrorCode>;
export type JoinRequest = RequestOutput<LiveRequests, 'join'>;

/** The live socket's server spec; `session` makes each socket's handlers. */
export function liveServerSpec(options: {
  deadline: SocketDeadlineOptions;
  perMessageDeflate?: PerMessageDeflateOptions;
  otherPaths: 'leave' | 'destroy';
  stop: { reason: string; waitMs: number };
  session: RequestServerSpec<LiveRequests, LiveNotification, LiveErrorCode>['session'];
}): RequestServerSpec<LiveRequests, LiveNotification, LiveErrorCode> {
  return {
    path: LIVE_WS_PATH,
    codec: liveCodec,
    maxPayload: LIVE_MAX_FRAME_BYTES,
    ...(options.perMessageDeflate ? { perMessageDeflate: options.perMessageDeflate } : {}),
    ping: true,
    otherPaths: options.otherPaths,
    // No idle limit once joined: a classroom watching sends nothing for long stretches; the ping finds a lost one.
    deadline: { ...options.deadline, closeFor: () => [1008, 'no join'] },
    // 1001: the client reconnects at once.
    stop: { code: 1001, ...options.stop },
    session: options.session,
  };
}

/** A handler's throw as the client reads it: named refusals by their code; anything else is mediasoup rejecting
 *  impossible parameters (wrong DTLS fingerprint, unknown codec): the request was bad, the hub is fine. */
export function liveRefusal(error: unknown): WireRefusal<LiveErrorCode> {
  if (error instanceof HubError || error instanceof LiveRefusal) return { code: error.code, message: error.message };
  return { code: 'bad_request', message: error instanceof Error ? error.message : String(error) };
}

/** Every method before the join is refused by name, except the hello and the join itself. */
export function notJoined(method: LiveMethod, joined: boolean): WireRefusal<LiveErrorCode> | null {
  return method !== 'join' && method !== 'hello' && !joined ? { code: 'not_joined', message: 'send join first' } : null;
}

/** The handler map: hello and join of the socket's own, every other method through `joined`. */
export function liveHandlers(own: {
  hello: (data: RequestOutput<LiveRequests, 'hello'>) => Promise<ResponseInput<LiveRequests, 'hello'>>;
  join: (data: JoinRequest) => Promise<ResponseInput<LiveRequests, 'join'>>;
  joined: (method: Exclude<LiveMethod, 'hello' | 'join'>, data: unknown) => Promise<unknown>;
}): RequestHandlers<LiveRequests> {
  const handlers: Record<string, (data: unknown) => Promise<unknown>> = {};
  for (const method of liveMethods) {
    if (method !== 'hello' && method !== 'join') handlers[method] = (data) => own.joined(method, data);
  }
  return { ...handlers, hello: own.hello, join: own.join } as RequestHandlers<LiveRequests>;
}
