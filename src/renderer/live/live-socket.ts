// The signalling socket seen from the classroom: the one request client (src/shared/ws-request-client.ts) speaking the
// live protocol — typed requests (the map in live-protocol.ts) with ids and a timeout, notifications to one listener,
// one `closed` callback however the socket ends, every frame from the hub parsed.
import { LIVE_WS_PATH, liveCodec, type LiveErrorCode, type LiveMethod, type LiveNotification, type LiveRequestData, type LiveResponseData } from '../../shared/live-protocol.ts';
import { openRequestClient, type ClientFailure } from '../../shared/ws-request-client.ts';

export class LiveRequestError extends Error {
  constructor(
    readonly code: LiveErrorCode | ClientFailure,
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
  return openRequestClient({
    codec: liveCodec,
    // A socket opened beforehand (live-preconnect.ts) is ready now; one that closed meanwhile is no use.
    socket: options.createWebSocket(liveSocketUrl(options.hubUrl)),
    onNotification: options.onNotification,
    onClosed: options.onClosed,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    toError: (code, message) => new LiveRequestError(code, `signalling: ${message}`),
  });
}
