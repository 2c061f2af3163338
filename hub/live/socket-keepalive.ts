// The hub's WebSocket servers' shared socket rules (live signalling on the county hub and the school edge, the sync
// socket): malformed frames tolerated before a socket is closed, and dead live sockets (a classroom that lost its
// link) found by ping, so their transports do not linger. Several pings may go unanswered first: a short outage must not cost the classroom its session (and a
// key-frame wait on rejoin).
import type { RawData, WebSocket, WebSocketServer } from 'ws';

export const MAX_BAD_FRAMES = 20;
const PING_EVERY_MS = 10_000;
const MAX_MISSED_PINGS = 3;

/** Pings every client of `wss`; one that missed too many pongs is terminated. Returns what stops the pinging. */
export function keepAliveByPing(wss: WebSocketServer): () => void {
  const missed = new WeakMap<WebSocket, number>();
  wss.on('connection', (ws: WebSocket) => {
    missed.set(ws, 0);
    ws.on('pong', () => missed.set(ws, 0));
  });
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      const n = (missed.get(ws) ?? 0) + 1;
      if (n > MAX_MISSED_PINGS) ws.terminate();
      else {
        missed.set(ws, n);
        ws.ping();
      }
    }
  }, PING_EVERY_MS);
  pinger.unref();
  return () => clearInterval(pinger);
}

/** A text frame's payload as a string, whichever shape ws delivered it in. */
export function rawText(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}
