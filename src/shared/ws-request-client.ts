// The one client of a request protocol over a WebSocket (ws-request.ts), in the browser and in Node alike: the
// classroom's live socket, the lead console page's, the school edge's socket to its county hub. Requests get ids and a
// timeout and are answered by id; every frame from the hub is parsed (an unreadable one is dropped, never trusted); a
// socket that closes fails whatever is pending by name, and `onClosed` is called once however it ends.
import type { MethodOf, RequestCodec, RequestInput, RequestSchemas, ResponseOutput } from './ws-request.ts';
import { hostTimers, type Timers } from './timers.ts';

/** What the client itself reports: no answer in time, the socket gone, an answer of the wrong shape. */
export type ClientFailure = 'timeout' | 'closed' | 'malformed';
/** `open`: the socket never opened (timed out or closed first); `request`: a request on an open socket. */
export type FailurePhase = 'open' | 'request';

/** The part of a WebSocket used here: the browser's, Node's global one and the `ws` package's all fit. */
export type ClientSocket = {
  readonly readyState: number;
  send(text: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: unknown) => void): void;
};
const CONNECTING = 0;
const OPEN = 1;


export class RequestClientError<C extends string = string> extends Error {
  constructor(
    readonly code: C | ClientFailure,
    message: string,
  ) {
    super(message);
    this.name = 'RequestClientError';
  }
}

export type RequestClient<M extends RequestSchemas> = {
  request<K extends MethodOf<M>>(method: K, data: RequestInput<M, K>): Promise<ResponseOutput<M, K>>;
  /** Closes the socket; pending requests fail as `closed` and `onClosed` is called (once). */
  close(): void;
};

export type RequestClientOptions<M extends RequestSchemas, N, C extends string> = {
  codec: RequestCodec<M, N, C>;
  /** A socket connecting or already open (opened ahead of time: live-preconnect.ts). */
  socket: ClientSocket;
  onNotification: (notification: N) => void;
  /** Once, however it ends: the close frame's code when there was one (1012: the origin moved, …), else undefined. */
  onClosed: (code?: number) => void;
  /** Longest wait for the socket to open and for each answer; default 10 s. */
  timeoutMs?: number;
  /** The error each failure rejects with: the hub's refusal by its code, or one of the client's own. */
  toError?: (code: C | ClientFailure, message: string, phase: FailurePhase) => Error;
  /** Ends a socket that did not open in time (default close(); `ws` prefers terminate()). */
  abandon?: () => void;
  timers?: Timers;
};

export function openRequestClient<M extends RequestSchemas, N, C extends string>(options: RequestClientOptions<M, N, C>): Promise<RequestClient<M>> {
  const { codec, socket, timeoutMs = 10_000, timers = hostTimers } = options;
  const toError = options.toError ?? ((code, message) => new RequestClientError<C>(code, message));
  const pending = new Map<number, { resolve: (data: unknown) => void; reject: (e: Error) => void; timer: unknown }>();
  let nextId = 1;
  let closed = false;

  const finish = (code?: number) => {
    if (closed) return;
    closed = true;
    for (const p of pending.values()) {
      timers.clearTimeout(p.timer);
      p.reject(toError('closed', 'socket closed', 'request'));
    }
    pending.clear();
    options.onClosed(code);
  };
  const closeCode = (event: unknown) => {
    const code = (event as { code?: unknown } | null)?.code;
    return typeof code === 'number' ? code : undefined;
  };

  socket.addEventListener('message', (event) => {
    const data = (event as { data?: unknown }).data;
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const frame = codec.decodeServerFrame(json);
    if (!frame) return;
    if (frame.kind === 'notification') return options.onNotification(frame.notification);
    const waiting = frame.id === null ? undefined : pending.get(frame.id);
    if (!waiting || frame.id === null) return;
    pending.delete(frame.id);
    timers.clearTimeout(waiting.timer);
    if (frame.ok) waiting.resolve(frame.data);
    else waiting.reject(toError(frame.error.code, frame.error.message, 'request'));
  });
  // An error ends a WebSocket (browsers follow it with a close; Node's own WebSocket does not after a refused
  // connection, and `ws` throws an 'error' nobody listens to).
  let failedOpen: (() => void) | null = null;
  socket.addEventListener('error', () => (failedOpen ? failedOpen() : finish()));

  const client: RequestClient<M> = {
    request(method, data) {
      if (closed || socket.readyState !== OPEN) return Promise.reject(toError('closed', 'socket closed', 'request'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = timers.setTimeout(() => {
          pending.delete(id);
          reject(toError('timeout', `${method}: no answer within ${timeoutMs} ms`, 'request'));
        }, timeoutMs);
        pending.set(id, {
          resolve: (raw) => {
            const parsed = (codec.methods[method] as M[typeof method]).response.safeParse(raw);
            if (parsed.success) resolve(parsed.data as ResponseOutput<M, typeof method>);
            else reject(toError('malformed', `${method}: unreadable answer: ${parsed.error.issues[0]?.message ?? ''}`, 'request'));
          },
          reject,
          timer,
        });
        socket.send(JSON.stringify(codec.encodeRequest(id, method, data)));
      });
    },
    close() {
      socket.close();
      finish();
    },
  };

  return new Promise((resolve, reject) => {
    if (socket.readyState === OPEN) {
      socket.addEventListener('close', (event) => finish(closeCode(event)));
      return resolve(client);
    }
    if (socket.readyState !== CONNECTING) {
      reject(toError('closed', 'socket closed before it opened', 'open'));
      return finish();
    }
    const timer = timers.setTimeout(() => {
      (options.abandon ?? (() => socket.close()))();
      reject(toError('timeout', 'socket did not open', 'open'));
    }, timeoutMs);
    failedOpen = () => {
      timers.clearTimeout(timer);
      reject(toError('closed', 'socket closed before it opened', 'open'));
      finish();
    };
    socket.addEventListener('open', () => {
      timers.clearTimeout(timer);
      failedOpen = null;
      resolve(client);
    });
    socket.addEventListener('close', (event) => (failedOpen ? failedOpen() : finish(closeCode(event))));
  });
}
