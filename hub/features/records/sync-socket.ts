// The sync socket's hub side (protocol: src/shared/sync-socket-protocol.ts), on the one request loop
// (hub/core/sockets/ws-request-server.ts: frames one at a time in order, the socket stops reading while one is applied and
// another waits, every bad frame answered by name, too many closed). Nothing is taken before a `hello` whose device
// token authenticates exactly as the device group's HTTP guard does (auth.ts, the same failure counting); every push
// frame authenticates again, so a device revoked mid-drain is refused at its next batch. A refusal after which nothing
// on the socket can succeed is answered, then the socket is closed.
import type { Server } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { compactAcks } from '../../../src/shared/push-acks.ts';
import { PROTOCOL_VERSION, PUSH_HUB_MAX_OPS, type ErrorCode } from '../../../src/shared/protocol.ts';
import { SYNC_SOCKET_MAX_FRAME_BYTES, SYNC_WS_PATH, SyncClose, syncCodec, type SyncRequests } from '../../../src/shared/sync-socket-protocol.ts';
import { authenticateDevice } from '../org/auth-guards.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { HubError } from '../../core/http/hub-error.ts';
import { attachRequestServer, type RequestSession, type RequestSocket } from '../../core/sockets/ws-request-server.ts';
import { receivePush } from './receive-push.ts';
import type { Timers } from '../../../src/shared/timers.ts';

export type SyncSocketOptions = {
  /** A socket that has not said hello by then is closed (default HELLO_TIMEOUT_MS, as for live sockets). */
  helloTimeoutMs?: number;
  /** A socket with nothing to do for this long is closed (the app opens one per long drain). */
  idleMs?: number;
  timers?: Timers;
};

/** Refusals after which nothing on this socket can succeed: answered, then the socket is closed. */
const FATAL: ReadonlySet<ErrorCode> = new Set(['unauthorized', 'device_revoked', 'rate_limited', 'client_too_old', 'hub_too_old']);
/** The hub's own window for its (small) answers keeps its zlib memory per socket low; the client's batches are
 * inflated with the window the browser compressed them with. */
const DEFLATE = { threshold: 512, serverMaxWindowBits: 11, zlibDeflateOptions: { memLevel: 6, level: 6 } } as const;

export function attachSyncSocket(server: Server, ctx: HubContext, log: FastifyBaseLogger, options: SyncSocketOptions = {}) {
  const { idleMs = 60_000 } = options;
  return attachRequestServer(server, {
    path: SYNC_WS_PATH,
    codec: syncCodec,
    maxPayload: SYNC_SOCKET_MAX_FRAME_BYTES,
    perMessageDeflate: DEFLATE,
    // No pings: the idle timeout finds a lost classroom (and a pong would count as something read).
    ping: false,
    otherPaths: 'leave', // its own listener, or refused by upgrade-guard.ts
    // Idle means nothing read at all: on a very slow link one batch may take longer than idleMs to arrive.
    deadline: {
      ...(options.helloTimeoutMs === undefined ? {} : { helloMs: options.helloTimeoutMs }),
      idleMs,
      ...(options.timers ? { timers: options.timers } : {}),
      closeFor: (why) => (why === 'idle' ? [SyncClose.idle, 'idle'] : [SyncClose.refused, 'no hello']),
    },
    // One batch applying, one waiting: read no more until they are done.
    pauseAt: 2,
    malformedClose: 'too many malformed frames',
    // The hub going away: unanswered batches stay in the classroom's outbox for the next sync.
    stop: { code: SyncClose.stopping, reason: 'hub stopping', waitMs: 0 },
    session: (socket) => syncSession(socket, ctx, log),
    onLoopError: (error) => log.error({ err: error }, 'sync socket: frame not handled'),
    onSocketError: (error) => log.info({ err: error }, 'sync socket error'),
  });
}

function syncSession(socket: RequestSocket<never>, ctx: HubContext, log: FastifyBaseLogger): RequestSession<SyncRequests, ErrorCode> {
  let token: string | null = null;
  let wireCounted = socket.bytesRead();
  const { deadline } = socket;
  return {
    handlers: {
      async hello(frame) {
        if (token !== null) throw new HubError('bad_request', 'hello was said already');
        if (frame.protocol < PROTOCOL_VERSION) throw new HubError('client_too_old', `hub speaks protocol ${PROTOCOL_VERSION}, client ${frame.protocol}`);
        if (frame.protocol > PROTOCOL_VERSION) throw new HubError('hub_too_old', `hub speaks protocol ${PROTOCOL_VERSION}, client ${frame.protocol}`);
        deadline.answering();
        try {
          await authenticateDevice(ctx, frame.token, socket.address);
        } catch (error) {
          deadline.refused();
          throw error;
        }
        token = frame.token;
        deadline.greeted();
        return { protocol: PROTOCOL_VERSION, maxOps: PUSH_HUB_MAX_OPS, hubTime: ctx.now().getTime() };
      },
      async push({ ops }) {
        if (token === null) throw new HubError('unauthorized', 'say hello with the device token first');
        const device = await authenticateDevice(ctx, token, socket.address);
        const acks = await receivePush(ctx, device, ops, log);
        const wireBytes = socket.bytesRead() - wireCounted;
        wireCounted = socket.bytesRead();
        ctx.events?.emit('socketPushed', { ops: ops.length, wireBytes });
        deadline.activity();
        return compactAcks(ops, acks);
      },
    },
    refusal(error) {
      if (error instanceof HubError) return { code: error.code, message: error.message, ...(error.retryAfterSeconds === undefined ? {} : { retryAfterS: error.retryAfterSeconds }) };
      log.error({ err: error }, 'sync socket: push failed');
      return { code: 'internal', message: 'internal error' }; // the batch is not acknowledged: the classroom sends it again later
    },
    refused(_method, refusal) {
      if (FATAL.has(refusal.code)) socket.close(SyncClose.refused, refusal.code);
    },
    gone: () => undefined,
  };
}
