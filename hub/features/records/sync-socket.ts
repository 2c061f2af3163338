// The sync socket's hub side (protocol: src/shared/sync-socket-protocol.ts). Nothing is taken before a `hello` whose
// device token authenticates exactly as the device group's HTTP guard does (auth.ts, the same failure counting); every
// push frame authenticates again, so a device revoked mid-drain is refused at its next batch. Frames are handled one at
// a time in order; while one is being applied the socket stops reading (TCP backpressure), so a client that floods
// frames costs the hub a socket buffer, not memory. Any bad frame is answered with a named error on that socket only
// and never throws past here; too many, or a refusal, and the socket is closed.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { compactAcks } from '../../../src/shared/push-acks.ts';
import { PROTOCOL_VERSION, PUSH_HUB_MAX_OPS, type ErrorCode } from '../../../src/shared/protocol.ts';
import { SYNC_SOCKET_MAX_FRAME_BYTES, SYNC_WS_PATH, SyncClientFrame, SyncClose, type SyncServerFrame } from '../../../src/shared/sync-socket-protocol.ts';
import { authenticateDevice } from '../org/auth-guards.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { HubError } from '../../core/http/hub-error.ts';
import { upgradePath } from '../../core/http/upgrade-guard.ts';
import { MAX_BAD_FRAMES, rawText, socketDeadline, type SocketTimers } from '../../core/sockets/socket-keepalive.ts';
import { receivePush } from './receive-push.ts';

export type SyncSocketOptions = {
  /** A socket that has not said hello by then is closed (default HELLO_TIMEOUT_MS, as for live sockets). */
  helloTimeoutMs?: number;
  /** A socket with nothing to do for this long is closed (the app opens one per long drain). */
  idleMs?: number;
  timers?: SocketTimers;
};

/** Refusals after which nothing on this socket can succeed: answered, then the socket is closed. */
const FATAL: ReadonlySet<ErrorCode> = new Set(['unauthorized', 'device_revoked', 'rate_limited', 'client_too_old', 'hub_too_old']);
/** The hub's own window for its (small) answers keeps its zlib memory per socket low; the client's batches are
 * inflated with the window the browser compressed them with. */
const DEFLATE = { threshold: 512, serverMaxWindowBits: 11, zlibDeflateOptions: { memLevel: 6, level: 6 } } as const;

export function attachSyncSocket(server: Server, ctx: HubContext, log: FastifyBaseLogger, options: SyncSocketOptions = {}) {
  const { idleMs = 60_000 } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: SYNC_SOCKET_MAX_FRAME_BYTES, perMessageDeflate: DEFLATE });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (upgradePath(request) !== SYNC_WS_PATH) return; // another path: its own listener, or refused by upgrade-guard.ts
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);
  // No pings: the idle timeout finds a lost classroom (and a pong would count as something read).
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => serveSocket(ws, request, ctx, log, { ...options, idleMs }));
  return {
    /** Tells every client the hub is going away; its unanswered batches stay in its outbox for the next sync. */
    close() {
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(SyncClose.stopping, 'hub stopping');
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function serveSocket(ws: WebSocket, request: IncomingMessage, ctx: HubContext, log: FastifyBaseLogger, options: SyncSocketOptions & { idleMs: number }) {
  const address = request.socket.remoteAddress ?? 'unknown';
  let token: string | null = null;
  let badFrames = 0;
  let queued = 0;
  let queue: Promise<void> = Promise.resolve();
  let wireCounted = request.socket.bytesRead;
  // Idle means nothing read at all: on a very slow link one batch may take longer than idleMs to arrive.
  const deadline = socketDeadline({
    ...(options.helloTimeoutMs === undefined ? {} : { helloMs: options.helloTimeoutMs }),
    idleMs: options.idleMs,
    ...(options.timers ? { timers: options.timers } : {}),
    bytesRead: () => request.socket.bytesRead,
    onExpired: (why) => (why === 'idle' ? ws.close(SyncClose.idle, 'idle') : ws.close(SyncClose.refused, 'no hello')),
  });

  const send = (frame: SyncServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const refuse = (n: number | null, code: ErrorCode, message: string, retryAfterS?: number) => {
    const wait = retryAfterS === undefined ? {} : { retryAfterS: Math.min(3600, Math.max(0, Math.ceil(retryAfterS))) };
    send({ t: 'error', n, error: { code, message: message.slice(0, 2000) }, ...wait });
    if (FATAL.has(code)) ws.close(SyncClose.refused, code);
    else if (code === 'bad_request' && ++badFrames >= MAX_BAD_FRAMES) ws.close(SyncClose.refused, 'too many malformed frames');
  };

  async function handle(raw: string | null) {
    if (raw === null) return refuse(null, 'bad_request', 'binary frames are not accepted');
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return refuse(null, 'bad_request', 'not JSON');
    }
    const parsed = SyncClientFrame.safeParse(json);
    if (!parsed.success) {
      const n = (json as { n?: unknown } | null)?.n;
      const issue = parsed.error.issues[0];
      return refuse(Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 2 ** 31 ? (n as number) : null, 'bad_request', `bad frame: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`);
    }
    const frame = parsed.data;
    try {
      await act(frame);
    } catch (error) {
      const n = frame.t === 'push' ? frame.n : null;
      if (error instanceof HubError) return refuse(n, error.code, error.message, error.retryAfterSeconds);
      log.error({ err: error }, 'sync socket: push failed');
      refuse(n, 'internal', 'internal error'); // the batch is not acknowledged: the classroom sends it again later
    }
  }

  async function act(frame: SyncClientFrame) {
    if (frame.t === 'hello') {
      if (token !== null) return refuse(null, 'bad_request', 'hello was said already');
      if (frame.protocol < PROTOCOL_VERSION) return refuse(null, 'client_too_old', `hub speaks protocol ${PROTOCOL_VERSION}, client ${frame.protocol}`);
      if (frame.protocol > PROTOCOL_VERSION) return refuse(null, 'hub_too_old', `hub speaks protocol ${PROTOCOL_VERSION}, client ${frame.protocol}`);
      deadline.answering();
      try {
        await authenticateDevice(ctx, frame.token, address);
      } catch (error) {
        deadline.refused();
        throw error;
      }
      token = frame.token;
      deadline.greeted();
      return send({ t: 'ready', protocol: PROTOCOL_VERSION, maxOps: PUSH_HUB_MAX_OPS, hubTime: ctx.now().getTime() });
    }
    if (token === null) return refuse(frame.n, 'unauthorized', 'say hello with the device token first');
    const device = await authenticateDevice(ctx, token, address);
    const acks = await receivePush(ctx, device, frame.ops, log);
    send({ t: 'acks', n: frame.n, ...compactAcks(frame.ops, acks) });
    const wireBytes = request.socket.bytesRead - wireCounted;
    wireCounted = request.socket.bytesRead;
    ctx.events?.emit('socketPushed', { ops: frame.ops.length, wireBytes });
    deadline.activity();
  }

  ws.on('message', (raw: RawData, isBinary) => {
    const text = isBinary ? null : rawText(raw);
    if (++queued >= 2) ws.pause(); // one frame applying, one waiting: read no more until they are done
    queue = queue
      .then(() => handle(text))
      .catch((error: unknown) => log.error({ err: error }, 'sync socket: frame not handled'))
      .finally(() => {
        if (--queued < 2 && ws.readyState === ws.OPEN) ws.resume();
      });
  });
  ws.on('close', () => deadline.stop());
  ws.on('error', (error) => log.info({ err: error }, 'sync socket error'));
}
