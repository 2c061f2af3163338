// One signalling socket to the hub opened before any lesson needs it: once the app knows its hub serves live lessons
// (session.ts, after the codecs are fetched), a WebSocket is opened and kept, unjoined (the hub's pings keep it
// alive), and the next LiveController for that hub takes it instead of opening its own. Opening a WebSocket costs
// two round trips (TCP, then the HTTP upgrade) — 600 ms of a 300 ms village link's join — before the join can even
// be sent; taken ready, the join goes at once. A socket that closed (hub restarted) is dropped, never handed out:
// the controller then opens its own as before.
import { liveSocketUrl } from './live-socket.ts';

export type LivePreconnect = {
  /** Opens a socket to this hub unless one is open or opening; one to another hub is closed. */
  prepare(hubUrl: string): void;
  /** The prepared socket for `url` (a liveSocketUrl) if it is open or opening; it is the caller's from then on. */
  take(url: string): WebSocket | null;
  close(): void;
};

export function createLivePreconnect(createWebSocket: (url: string) => WebSocket): LivePreconnect {
  let held: { url: string; ws: WebSocket } | null = null;
  const usable = (ws: WebSocket) => ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING;
  return {
    prepare(hubUrl) {
      const url = liveSocketUrl(hubUrl);
      if (held?.url === url && usable(held.ws)) return;
      held?.ws.close();
      const entry = { url, ws: createWebSocket(url) };
      held = entry;
      entry.ws.addEventListener('close', () => {
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
