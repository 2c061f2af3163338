// The console's signalling socket: typed requests (parsed with the shared schemas) and notifications. A refused request
// rejects with ConsoleError (console-errors.ts): the hub's named code and its Chinese sentence.
import { ConsoleError } from './console-errors.ts';
import { LIVE_PROTOCOL_VERSION, LIVE_WS_PATH, LiveServerMessage, parseLiveResponseData, type LiveMethod, type LiveNotification, type LiveRequestData, type LiveResponseData } from '../../../../src/shared/live-protocol.ts';


export type ConsoleRequest = <M extends LiveMethod>(method: M, data: LiveRequestData<M>) => Promise<LiveResponseData<M>>;
/** The socket's requests, and a way to drop it (a reconnect attempt that failed half-way). */
export type ConsoleSocket = { request: ConsoleRequest; close(): void };
type Pending = { resolve: (d: unknown) => void; reject: (e: Error) => void };

/** `onClosed` gets the close code: 1012 (the origin's worker died or moved) and the like are reconnected from. */
export function connectConsoleSocket(onNotification: (n: LiveNotification) => void, onClosed: (code: number) => void): Promise<ConsoleSocket> {
  const url = new URL(LIVE_WS_PATH, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  ws.addEventListener('message', (event: MessageEvent<string>) => {
    const parsed = LiveServerMessage.safeParse(JSON.parse(event.data));
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.kind === 'notification') return onNotification(m.notification);
    const p = m.id === null ? undefined : pending.get(m.id);
    if (!p || m.id === null) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.data);
    else p.reject(new ConsoleError(m.error.code));
  });
  ws.addEventListener('close', (event) => {
    for (const p of pending.values()) p.reject(new ConsoleError('closed'));
    pending.clear();
    onClosed(event.code);
  });
  return new Promise((resolve, reject) => {
    ws.addEventListener('error', () => reject(new ConsoleError('network')));
    ws.addEventListener('open', () =>
      resolve({
        request: <M extends LiveMethod>(method: M, data: LiveRequestData<M>) => {
          const id = nextId++;
          ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id, method, data }));
          return new Promise<LiveResponseData<M>>((res, rej) => pending.set(id, { resolve: (d) => res(parseLiveResponseData(method, d)), reject: rej }));
        },
        close: () => ws.close(),
      }),
    );
  });
}
