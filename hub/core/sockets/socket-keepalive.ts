// The hub's WebSocket servers' shared socket rules (live signalling on the county hub and the school edge, the sync
// socket): malformed frames tolerated before a socket is closed; dead live sockets (a classroom that lost its link)
// found by ping, so their transports do not linger — several pings may go unanswered first: a short outage must not
// cost the classroom its session (and a key-frame wait on rejoin); and one hello/join deadline and idle timer.
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { backgroundTimers } from '../background-timers.ts';
import type { Timers } from '../../../src/shared/timers.ts';

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

/** Every hub socket must say hello (sync) or join (live) within this long: nobody parks sockets on the hub for free. */
export const HELLO_TIMEOUT_MS = 10_000;


export type SocketDeadlineOptions = {
  /** Open → accepted hello/join; default HELLO_TIMEOUT_MS. */
  helloMs?: number;
  /** After the hello: closed once nothing was read for this long. Undefined: no idle limit (live sockets: the ping
   *  finds a lost classroom; a viewer watching a lesson may send nothing for an hour). */
  idleMs?: number;
  timers?: Timers;
};

export type SocketDeadline = {
  /** A hello/join is being answered: the deadline waits for its outcome (a slow database is not a silent client). */
  answering(): void;
  /** Accepted: the hello deadline is over; the idle watch, if any, starts. */
  greeted(): void;
  /** Refused: the hello deadline runs on, and if it passed meanwhile the socket is closed now. */
  refused(): void;
  /** Work done on the socket: idle counts from now. */
  activity(): void;
  stop(): void;
};

/**
 * The one join/hello deadline and idle timer of every hub socket (sync, county live, edge live). `bytesRead` is the
 * socket's byte counter: idle means nothing read at all, so a batch dribbling in over a slow link is not idle.
 */
export function socketDeadline(
  options: SocketDeadlineOptions & { bytesRead: () => number; onExpired: (why: 'no_hello' | 'idle') => void },
): SocketDeadline {
  const timers = options.timers ?? backgroundTimers;
  let state: 'waiting' | 'answering' | 'expired-while-answering' | 'greeted' | 'stopped' = 'waiting';
  let timer: unknown = null;
  let readAtArm = 0;
  const clear = () => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
  };
  const expire = (why: 'no_hello' | 'idle') => {
    clear();
    state = 'stopped';
    options.onExpired(why);
  };
  const armIdle = () => {
    clear();
    const idleMs = options.idleMs;
    if (idleMs === undefined) return;
    readAtArm = options.bytesRead();
    timer = timers.setTimeout(() => (options.bytesRead() === readAtArm ? expire('idle') : armIdle()), idleMs);
  };
  timer = timers.setTimeout(() => {
    timer = null;
    if (state === 'waiting') expire('no_hello');
    else if (state === 'answering') state = 'expired-while-answering';
  }, options.helloMs ?? HELLO_TIMEOUT_MS);
  return {
    answering() {
      if (state === 'waiting') state = 'answering';
    },
    greeted() {
      if (state === 'stopped' || state === 'greeted') return;
      state = 'greeted';
      armIdle();
    },
    refused() {
      if (state === 'expired-while-answering') expire('no_hello');
      else if (state === 'answering') state = 'waiting';
    },
    activity() {
      if (state === 'greeted') armIdle();
    },
    stop() {
      clear();
      state = 'stopped';
    },
  };
}
