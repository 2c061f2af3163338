// The signalling socket seen from the client: typed requests (the map in live-protocol.ts) with ids and a timeout,
// notifications to one listener, and one `closed` callback however the socket ends. Every frame from the hub is parsed;
// an unreadable one is dropped, never trusted.
import {
  LIVE_PROTOCOL_VERSION,
  LIVE_WS_PATH,
  LiveServerMessage,
  parseLiveResponseData,
  type LiveErrorCode,
  type LiveMethod,
  type LiveNotification,
  type LiveRequestData,
  type LiveResponseData,
} from '../../shared/live-protocol.ts';

export class LiveRequestError extends Error {
  constructor(
    readonly code: LiveErrorCode | 'timeout' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'LiveRequestError';
  }
}

export type LiveSocket = {
  request<M extends LiveMethod>(method: M, data: LiveRequestData<M>): Promise<LiveResponseData<M>>;
  close(): void;
};

export type LiveSocketOptions = {
  hubUrl: string;
  createWebSocket: (url: string) => WebSocket;
  onNotification: (n: LiveNotification) => void;
  onClosed: () => void;
  timeoutMs?: number;
};

export function liveSocketUrl(hubUrl: string): string {
  const url = new URL(LIVE_WS_PATH, hubUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export function openLiveSocket(options: LiveSocketOptions): Promise<LiveSocket> {
  const ws = options.createWebSocket(liveSocketUrl(options.hubUrl));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pending = new Map<number, { resolve: (data: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  let nextId = 1;
  let closed = false;

  const finish = () => {
    if (closed) return;
    closed = true;
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new LiveRequestError('closed', 'signalling socket closed'));
    }
    pending.clear();
    options.onClosed();
  };

  ws.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data !== 'string') return;
    let parsed;
    try {
      parsed = LiveServerMessage.safeParse(JSON.parse(event.data));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.kind === 'notification') return options.onNotification(message.notification);
    const waiting = message.id === null ? undefined : pending.get(message.id);
    if (!waiting || message.id === null) return;
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.ok) waiting.resolve(message.data);
    else waiting.reject(new LiveRequestError(message.error.code, message.error.message));
  });

  const socket: LiveSocket = {
    request(method, data) {
      if (closed || ws.readyState !== ws.OPEN) return Promise.reject(new LiveRequestError('closed', 'signalling socket closed'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new LiveRequestError('timeout', `${method}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (raw) => {
            try {
              resolve(parseLiveResponseData(method, raw));
            } catch (error) {
              reject(new LiveRequestError('malformed', `${method}: unreadable answer: ${String(error)}`));
            }
          },
          reject,
          timer,
        });
        ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id, method, data }));
      });
    },
    close() {
      ws.close();
      finish();
    },
  };

  return new Promise((resolve, reject) => {
    // A socket opened beforehand (live-preconnect.ts) is ready now; one that closed meanwhile is no use.
    if (ws.readyState === ws.OPEN) {
      ws.addEventListener('close', finish);
      return resolve(socket);
    }
    if (ws.readyState !== ws.CONNECTING) {
      reject(new LiveRequestError('closed', 'signalling socket closed'));
      return finish();
    }
    const timer = setTimeout(() => {
      ws.close();
      reject(new LiveRequestError('timeout', 'signalling socket did not open'));
    }, timeoutMs);
    ws.addEventListener('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    ws.addEventListener('close', () => {
      clearTimeout(timer);
      reject(new LiveRequestError('closed', 'signalling socket closed'));
      finish();
    });
  });
}
