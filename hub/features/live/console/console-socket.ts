// The console's signalling socket: the one request client (src/shared/ws-request-client.ts) speaking the live
// protocol — typed requests parsed with the shared schemas, and notifications. A refused request rejects with
// ConsoleError (console-errors.ts): the hub's named code and its Chinese sentence.
import { ConsoleError } from './console-errors.ts';
import { LIVE_WS_PATH, liveCodec, type LiveMethod, type LiveNotification, type LiveRequestData, type LiveResponseData } from '../../../../src/shared/live-protocol.ts';
import { openRequestClient } from '../../../../src/shared/ws-request-client.ts';

export type ConsoleRequest = <M extends LiveMethod>(method: M, data: LiveRequestData<M>) => Promise<LiveResponseData<M>>;
/** The socket's requests, and a way to drop it (a reconnect attempt that failed half-way). */
export type ConsoleSocket = { request: ConsoleRequest; close(): void };

/** The lead teacher waits for 下课 and a pushed question longer than a classroom for its media answers. */
const CONSOLE_TIMEOUT_MS = 30_000;

/**
 * `onClosed` gets the close code: 1012 (the origin's worker died or moved) and the like are reconnected from; a socket
 * that ended without a close frame reads as 1006, as a browser reports it.
 */
export async function connectConsoleSocket(onNotification: (n: LiveNotification) => void, onClosed: (code: number) => void): Promise<ConsoleSocket> {
  const url = new URL(LIVE_WS_PATH, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = await openRequestClient({
    codec: liveCodec,
    socket: new WebSocket(url),
    onNotification,
    onClosed: (code) => onClosed(code ?? 1006),
    timeoutMs: CONSOLE_TIMEOUT_MS,
    // A socket that never opened is `network` (never connected); one that dropped, `closed`.
    toError: (code, _message, phase) => new ConsoleError(phase === 'open' ? 'network' : code),
  });
  return { request: (method, data) => client.request(method, data), close: () => client.close() };
}
