// The edge's signalling socket to its county hub on behalf of one classroom: joined with the classroom's own device
// token (so the county checks the lesson is on its timetable and attributes its hands and questions to it), carrying
// no media — the media come from the school's one feed. Typed requests with ids and a timeout; every frame parsed.
import WebSocket, { type RawData } from 'ws';
import {
  LIVE_PROTOCOL_VERSION,
  LIVE_WS_PATH,
  LiveServerMessage,
  parseLiveResponseData,
  type LiveMethod,
  type LiveNotification,
  type LiveRequestData,
  type LiveResponseData,
} from '../../../../src/shared/live-protocol.ts';
import { ErrorCode } from '../../../../src/shared/protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';

export type CountyLiveSocket = {
  request<M extends LiveMethod>(method: M, data: LiveRequestData<M>): Promise<LiveResponseData<M>>;
  close(): void;
};

const unavailable = (message: string) => new HubError('upstream_unavailable', `county hub: ${message}`);

export function openCountyLiveSocket(options: {
  upstream: string;
  onNotification: (n: LiveNotification) => void;
  onClosed: () => void;
  timeoutMs?: number;
}): Promise<CountyLiveSocket> {
  const url = new URL(LIVE_WS_PATH, options.upstream);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pending = new Map<number, { resolve: (data: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(unavailable('signalling socket closed'));
    }
    pending.clear();
    options.onClosed();
  };
  ws.on('message', (raw: RawData, isBinary: boolean) => {
    if (isBinary) return;
    let parsed;
    try {
      const text = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
      parsed = LiveServerMessage.safeParse(JSON.parse(text.toString('utf8')));
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
    else {
      // The county's own refusals are the classroom's (passed on by name); its live-only codes mean the county is no help.
      const hubCode = ErrorCode.safeParse(message.error.code);
      waiting.reject(hubCode.success ? new HubError(hubCode.data, message.error.message) : unavailable(`${message.error.code}: ${message.error.message}`));
    }
  });
  const socket: CountyLiveSocket = {
    request(method, data) {
      if (closed || ws.readyState !== WebSocket.OPEN) return Promise.reject(unavailable('signalling socket closed'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(unavailable(`${method}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (raw) => {
            try {
              resolve(parseLiveResponseData(method, raw));
            } catch (error) {
              reject(unavailable(`${method}: unreadable answer: ${String(error)}`));
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
    const timer = setTimeout(() => {
      ws.terminate();
      reject(unavailable('signalling socket did not open'));
    }, timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    ws.on('error', () => undefined); // followed by close
    ws.once('close', () => {
      clearTimeout(timer);
      reject(unavailable('signalling socket closed'));
      finish();
    });
  });
}
