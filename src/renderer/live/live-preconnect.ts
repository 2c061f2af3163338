// One signalling socket to the hub opened before any lesson needs it: once the app knows its hub serves live lessons
// (session.ts, after the codecs are fetched), a WebSocket is opened and kept, unjoined (the hub's pings keep it
// alive), and the next LiveController for that hub takes it instead of opening its own. Opening a WebSocket costs
// two round trips (TCP, then the HTTP upgrade) — 600 ms of a 300 ms village link's join — before the join can even
// be sent; taken ready, the join goes at once. A socket that closed (hub restarted) is dropped, never handed out:
// the controller then opens its own as before. The hub closes a socket that neither joins nor says hello within its
// deadline (10 s), so this one says `hello` with the device token as soon as it opens; a refused hello (the hub
// closes the socket then) drops it at once. An older hub that does not know hello answers `malformed` and keeps the
// socket as before.
import { LIVE_PROTOCOL_VERSION, LiveServerMessage } from '../../shared/live-protocol.ts';
import { liveSocketUrl } from './live-socket.ts';

/** The hello's request id: the controller's own requests count from 1, so its answer is never taken for theirs. */
const HELLO_ID = 0;

export type LivePreconnect = {
  /** Opens a socket to this hub (saying hello with `token`) unless one is open or opening; one to another hub, or
   *  with another token, is closed. `onRefused`: the hub refused the hello (named code and message). */
  prepare(hubUrl: string, token: string, onRefused?: (code: string, message: string) => void): void;
  /** The prepared socket for `url` (a liveSocketUrl) if it is open or opening; it is the caller's from then on. */
  take(url: string): WebSocket | null;
  close(): void;
};

export function createLivePreconnect(createWebSocket: (url: string) => WebSocket): LivePreconnect {
  let held: { url: string; token: string; ws: WebSocket } | null = null;
  const usable = (ws: WebSocket) => ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING;
  return {
    prepare(hubUrl, token, onRefused) {
      const url = liveSocketUrl(hubUrl);
      if (held?.url === url && held.token === token && usable(held.ws)) return;
      held?.ws.close();
      const entry = { url, token, ws: createWebSocket(url) };
      held = entry;
      const { ws } = entry;
      ws.addEventListener('open', () => ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id: HELLO_ID, method: 'hello', data: { token } })));
      ws.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        let parsed;
        try {
          parsed = LiveServerMessage.safeParse(JSON.parse(event.data));
        } catch {
          return;
        }
        const message = parsed.success ? parsed.data : null;
        if (message?.kind !== 'response' || message.id !== HELLO_ID || message.ok || message.error.code === 'malformed') return;
        onRefused?.(message.error.code, message.error.message);
        // Still ours: dropped (a controller that took it meanwhile sees the hub close it and opens its own).
        if (held === entry) {
          held = null;
          ws.close();
        }
      });
      ws.addEventListener('close', () => {
        if (held === entry) held = null;
      });
    },
    take(url) {
      if (held?.url !== url || !usable(held.ws)) return null;
      const { ws } = held;
      held = null;
      return ws;
    },
    close() {
      held?.ws.close();
      held = null;
    },
  };
}

/** The app's one (made lazily: nothing opens until the session asks). */
export const livePreconnect = createLivePreconnect((url) => new WebSocket(url));
