// The edge's signalling socket to its county hub on behalf of one classroom: joined with the classroom's own device
// token (so the county checks the lesson is on its timetable and attributes its hands and questions to it), carrying
// no media — the media come from the school's one feed. The one request client (src/shared/ws-request-client.ts) over
// the `ws` package: typed requests with ids and a timeout, every frame parsed.
import WebSocket from 'ws';
import { LIVE_WS_PATH, liveCodec, type LiveMethod, type LiveNotification, type LiveRequestData, type LiveResponseData } from '../../../../src/shared/live-protocol.ts';
import { ErrorCode } from '../../../../src/shared/protocol.ts';
import { openRequestClient } from '../../../../src/shared/ws-request-client.ts';
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
  return openRequestClient({
    codec: liveCodec,
    socket: ws,
    onNotification: options.onNotification,
    onClosed: options.onClosed,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    abandon: () => ws.terminate(),
    // The county's own refusals are the classroom's (passed on by name); its live-only codes, and the socket's own
    // failures, mean the county is no help.
    toError: (code, message) => {
      const hubCode = ErrorCode.safeParse(code);
      return hubCode.success ? new HubError(hubCode.data, message) : unavailable(`${code}: ${message}`);
    },
  });
}
