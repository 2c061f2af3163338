// The classroom's side of the sync socket (src/shared/sync-socket-protocol.ts, its frames read and written by the
// protocol's codec over the one request layer's method map, ws-request.ts): batches go up one WebSocket back to
// back, each answered by number. Sending starts at once: the hello and the first batches are queued until the socket
// opens, so opening costs no round trip of its own beyond the upgrade. Every frame from the hub is validated; a frame
// that does not parse, a refusal or a lost socket fails every unanswered batch (they stay in the outbox), and after
// that every push fails the same way without touching the network.
import { expandAcks } from '../../shared/push-acks.ts';
import { PROTOCOL_VERSION, type Op, type OpAck } from '../../shared/protocol.ts';
import { syncCodec, SYNC_WS_PATH, type SyncRequests } from '../../shared/sync-socket-protocol.ts';
import type { ResponseOutput } from '../../shared/ws-request.ts';
import { HubRequestError, isRefusal } from './hub-client-error.ts';

export type PushSocketDeps = {
  /** The hub's origin, http(s)://host:port (the socket is ws(s):// on the same host and port). */
  baseUrl: string;
  token: string;
  createWebSocket?: (url: string) => WebSocket;
  /** Longest wait for the hub's next frame while a batch is unanswered (more for big batches: see armStall). */
  timeoutMs?: number;
  /** Longest wait for the upgrade: a proxy that swallows it must not hold the drain for long (then HTTP is used). */
  openTimeoutMs?: number;
  /** The hub said ready: ops per batch it takes, and its clock with this PC's clock around the hello. */
  onReady?: (ready: { maxOps: number; hubMs: number; sentMs: number; receivedMs: number }) => void;
  /** Every failure passes through here once (the hub client records a refusal for all its calls). */
  onFailure?: (error: HubRequestError) => HubRequestError;
  localNow?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
};

export type PushSocket = {
  push(ops: Op[]): Promise<OpAck[]>;
  /** Whether the upgrade succeeded: a socket that never opened tells the caller to push over HTTP instead. */
  readonly opened: boolean;
  close(): void;
};

/** Slowest upload a batch is still given time for (bits per millisecond = kbit/s), counting gzip-like 4:1. */
const MIN_KBIT = 32;
const COMPRESSION = 4;

export function socketUrl(baseUrl: string): string {
  const url = new URL(SYNC_WS_PATH, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

export function openPushSocket(deps: PushSocketDeps): PushSocket {
  const {
    baseUrl,
    token,
    createWebSocket = (url) => new WebSocket(url),
    timeoutMs = 20_000,
    openTimeoutMs = 10_000,
    onReady,
    onFailure = (e) => e,
    localNow = Date.now,
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  } = deps;
  type Waiting = { ops: Op[]; bytes: number; resolve: (acks: OpAck[]) => void; reject: (error: HubRequestError) => void };
  const waiting = new Map<number, Waiting>();
  const unsent: string[] = [];
  let opened = false;
  let dead: HubRequestError | null = null;
  let nextN = 0;
  let helloSentMs = 0;
  let stall: unknown = null;

  let ws: WebSocket;
  try {
    ws = createWebSocket(socketUrl(baseUrl));
  } catch (error) {
    const failed = onFailure(new HubRequestError('network', `sync socket: ${error instanceof Error ? error.message : String(error)}`));
    return { push: () => Promise.reject(failed), opened: false, close: () => {} };
  }

  /** The hub must answer within the time the unanswered batches need at the slowest upload we allow. */
  function armStall() {
    if (stall !== null) clearTimer(stall);
    stall = null;
    if (waiting.size === 0 || dead) return;
    const bytes = [...waiting.values()].reduce((sum, w) => sum + w.bytes, 0);
    stall = setTimer(() => die(new HubRequestError('network', 'sync socket: the hub stopped answering')), Math.max(timeoutMs, (bytes * 8) / COMPRESSION / MIN_KBIT));
  }

  /** Once: every unanswered batch fails with the first reason, and the socket is closed without hearing from it
   * again (Node's WebSocket fires `error` from inside close() on a socket still connecting). */
  function die(error: HubRequestError) {
    if (dead) return;
    clearTimer(notOpened);
    const reason = onFailure(error);
    dead = reason;
    for (const w of waiting.values()) w.reject(reason);
    waiting.clear();
    armStall();
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    if (ws.readyState === ws.CONNECTING || ws.readyState === ws.OPEN) ws.close();
  }

  const notOpened = setTimer(() => die(new HubRequestError('network', `sync socket did not open in ${openTimeoutMs / 1000} s`)), openTimeoutMs);
  ws.onopen = () => {
    clearTimer(notOpened);
    opened = true;
    helloSentMs = localNow();
    ws.send(JSON.stringify(syncCodec.encodeRequest(0, 'hello', { protocol: PROTOCOL_VERSION, token })));
    for (const frame of unsent.splice(0)) ws.send(frame);
  };
  ws.onmessage = (event: MessageEvent) => {
    if (dead) return;
    let json: unknown;
    try {
      json = typeof event.data === 'string' ? JSON.parse(event.data) : undefined;
    } catch {
      json = undefined;
    }
    // The sync protocol's codec reads the frame (every field checked): `ready` answers the hello (no number), `acks`
    // and `error` the batch they name.
    const frame = syncCodec.decodeServerFrame(json);
    if (frame?.kind !== 'response') return die(new HubRequestError('invalid_response', 'sync socket: the hub sent a frame that does not parse'));
    if (frame.ok && frame.id === null) {
      const ready = frame.data as ResponseOutput<SyncRequests, 'hello'>;
      onReady?.({ maxOps: ready.maxOps, hubMs: ready.hubTime, sentMs: helloSentMs, receivedMs: localNow() });
      return;
    }
    const n = frame.id;
    const w = n === null ? undefined : waiting.get(n);
    if (!frame.ok) {
      const { code, message, retryAfterS } = frame.error;
      const error = new HubRequestError(code, message, 0, retryAfterS === undefined ? null : retryAfterS * 1000);
      if (!w || n === null || isRefusal(error)) return die(error);
      waiting.delete(n);
      w.reject(onFailure(error));
      return armStall();
    }
    if (!w || n === null) return die(new HubRequestError('invalid_response', `sync socket: an answer to batch ${n}, which is not waiting`));
    waiting.delete(n);
    const { acknowledged, acks } = frame.data as ResponseOutput<SyncRequests, 'push'>;
    w.resolve(expandAcks(w.ops, acknowledged, acks));
    armStall();
  };
  // Browsers follow an error with a close; Node's WebSocket may not after a refused upgrade: either ends the socket.
  ws.onerror = () => die(new HubRequestError('network', opened ? 'sync socket failed' : 'sync socket did not open'));
  ws.onclose = (event: CloseEvent) => {
    die(new HubRequestError('network', opened ? `sync socket closed (${event.code} ${event.reason})` : 'sync socket did not open'));
  };

  return {
    push(ops: Op[]): Promise<OpAck[]> {
      if (dead) return Promise.reject(dead);
      const n = nextN++;
      const frame = JSON.stringify(syncCodec.encodeRequest(n, 'push', { ops }));
      const answered = new Promise<OpAck[]>((resolve, reject) => waiting.set(n, { ops, bytes: frame.length, resolve, reject }));
      if (opened) ws.send(frame);
      else unsent.push(frame);
      armStall();
      return answered;
    },
    get opened() {
      return opened;
    },
    close() {
      if (!dead) die(new HubRequestError('network', 'sync socket closed by the app'));
    },
  };
}
