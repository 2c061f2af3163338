// WebSocket signalling on the hub's HTTP server (path LIVE_WS_PATH). Each socket handles its frames one at a time;
// any bad frame gets an error response on that socket only — it never throws past here, so one broken or hostile
// client cannot crash the hub or disturb other viewers. Too many bad frames and the socket is closed.
import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { z } from 'zod';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  LIVE_MAX_FRAME_BYTES,
  LIVE_PROTOCOL_VERSION,
  LIVE_WS_PATH,
  LiveRequest,
  liveRequests,
  parseLiveRequestData,
  type LiveErrorCode,
  type LiveMethod,
  type LiveNotification,
  type LiveServerMessage,
} from '../../../../src/shared/live-protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import type { HubContext } from '../../../core/http/hub-context.ts';
import { upgradePath } from '../../../core/http/upgrade-guard.ts';
import { authenticateDevice } from '../../org/auth-guards.ts';
import { authoriseJoin } from './authorise-join.ts';
import { liveHello } from './live-hello.ts';
import { LivePeer } from './live-peer.ts';
import { forwardConsoleSocket, wasForwarded, type ConsoleUpstream } from '../cluster/origin-forward.ts';
import { deviceLiveLimits, type DeviceLiveLimits } from './device-live-limits.ts';
import { LiveRefusal } from './live-refusal.ts';
import { keepAliveByPing, MAX_BAD_FRAMES, rawText, socketDeadline, type SocketDeadlineOptions } from '../../../core/sockets/socket-keepalive.ts';
import type { LiveSfu } from '../sfu/live-sfu.ts';

/** How long a graceful stop waits for clients to answer the close frame. */
const CLOSE_WAIT_MS = 500;
/** A small window keeps each socket's zlib memory low (a few KB), which JSON this size hardly misses. */
const DEFLATE = { threshold: 512, serverMaxWindowBits: 11, zlibDeflateOptions: { memLevel: 6, level: 6 } } as const;

/** The join deadline (the sync socket's hello rule) and what one device may hold; defaults for a real hub. */
export type LiveSocketOptions = { deadline?: SocketDeadlineOptions; limits?: DeviceLiveLimits };

export function attachLiveSignalling(server: Server, ctx: HubContext, sfu: LiveSfu | null, unavailable: string, options: LiveSocketOptions = {}) {
  const limits = options.limits ?? deviceLiveLimits();
  // Compressed frames: a join's answer (codecs, transport, every consumer: ~7 KB of JSON) fits in two TCP segments
  // instead of five or six, and on a lossy village link each lost segment of a fresh connection costs a retransmission
  // timeout (~1 s), not a round trip. Small frames go as they are; maxPayload bounds the inflated size too.
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIVE_MAX_FRAME_BYTES, perMessageDeflate: DEFLATE });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (upgradePath(request) !== LIVE_WS_PATH) return; // refused and closed by http/upgrade-guard.ts
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);
  const stopPinging = keepAliveByPing(wss);
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    serveSocket(ws, ctx, sfu, unavailable, request, { limits, deadline: options.deadline ?? {} });
  });
  return {
    /** Tells every client the hub is going away (1001, so it reconnects at once), then cuts what has not closed. */
    async close() {
      stopPinging();
      server.off('upgrade', onUpgrade);
      const open = [...wss.clients];
      const closed = open.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
      for (const ws of open) ws.close(1001, 'hub stopping');
      await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS))]);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function serveSocket(ws: WebSocket, ctx: HubContext, sfu: LiveSfu | null, unavailable: string, request: IncomingMessage, options: { limits: DeviceLiveLimits; deadline: SocketDeadlineOptions }) {
  const address = request.socket.remoteAddress ?? 'unknown';
  let peer: LivePeer | null = null;
  /** A console whose lesson's origin is on another node: its frames go there (origin-forward.ts). */
  let upstream: ConsoleUpstream | null = null;
  const FORWARDED = Symbol('forwarded');
  /** Gives back the device's socket share when this socket goes. */
  let release = () => undefined as void;
  // No idle limit once joined: a classroom watching sends nothing for long stretches; the ping finds a lost one.
  const deadline = socketDeadline({ ...options.deadline, bytesRead: () => request.socket.bytesRead, onExpired: () => ws.close(1008, 'no join') });
  const hello = liveHello(options.limits, deadline);
  let badFrames = 0;
  let queue: Promise<void> = Promise.resolve();

  const send = (message: LiveServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const notify = (notification: LiveNotification) => send({ v: LIVE_PROTOCOL_VERSION, kind: 'notification', notification });
  const fail = (id: number | null, code: LiveErrorCode, message: string) => {
    send({ v: LIVE_PROTOCOL_VERSION, kind: 'response', id, ok: false, error: { code, message: message.slice(0, 2000) } });
  };
  const bad = (id: number | null, message: string) => {
    fail(id, 'malformed', message);
    if (++badFrames >= MAX_BAD_FRAMES) ws.close(1008, 'too many malformed messages');
  };

  async function handle(raw: string) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return bad(null, 'not JSON');
    }
    const envelope = LiveRequest.safeParse(json);
    if (!envelope.success) {
      const id = typeof (json as { id?: unknown } | null)?.id === 'number' ? (json as { id: number }).id : null;
      return bad(id, `bad envelope: ${envelope.error.issues[0]?.path.join('.') ?? ''} ${envelope.error.issues[0]?.message ?? ''}`);
    }
    const { id, method } = envelope.data;
    const data = parseLiveRequestData(method, envelope.data.data);
    if (!data.success) return bad(id, `${method}: ${data.error.issues[0]?.path.join('.') ?? ''} ${data.error.issues[0]?.message ?? ''}`);
    if (method !== 'join' && method !== 'hello' && !peer) return fail(id, 'not_joined', 'send join first');
    if (method === 'join' && !peer) deadline.answering();
    try {
      const result = await dispatch(method, data.data, raw);
      if (result === FORWARDED) return deadline.greeted(); // the origin node answers the join
      if (method === 'join' && peer) deadline.greeted();
      send({ v: LIVE_PROTOCOL_VERSION, kind: 'response', id, ok: true, data: liveRequests[method].response.parse(result) });
    } catch (error) {
      if (error instanceof HubError || error instanceof LiveRefusal) fail(id, error.code, error.message);
      // mediasoup rejects impossible parameters (wrong DTLS fingerprint, unknown codec) with a TypeError or Error:
      // the request was bad, the hub is fine.
      else fail(id, 'bad_request', error instanceof Error ? error.message : String(error));
      if (method === 'join' && !peer) deadline.refused();
      // A refused hello (bad token, too many sockets) ends the socket, as on the sync socket.
      if (method === 'hello' && !peer && !hello.said()) ws.close(1008, error instanceof HubError || error instanceof LiveRefusal ? error.code : 'hello refused');
    }
  }

  async function dispatch(method: LiveMethod, data: unknown, raw: string): Promise<unknown> {
    if (method === 'hello') {
      if (peer) throw new HubError('bad_request', 'already joined');
      const { token } = data as { token: string };
      return hello.hello(async () => (await authenticateDevice(ctx, token, address)).id);
    }
    if (method === 'join') {
      if (peer || upstream) throw new HubError('bad_request', 'already joined');
      if (!sfu) throw new HubError('not_found', `live lessons are unavailable on this hub: ${unavailable}`);
      const join = data as z.output<(typeof liveRequests)['join']['request']>;
      const grant = await authoriseJoin(ctx, join, address);
      const { deviceId } = grant;
      // One origin per lesson: a console landing here while another node hosts it is passed on to that node.
      const origin = grant.role === 'console' && !wasForwarded(request.headers) ? await sfu.originNode(join.lessonId) : null;
      if (origin) {
        upstream = await forwardConsoleSocket(ws, origin, sfu.nodeId, raw, (line) => process.emitWarning(line));
        return FORWARDED;
      }
      const giveBack = hello.claimForJoin(deviceId);
      const placed = await sfu.place(join.lessonId, grant.role).catch((error: unknown) => {
        giveBack();
        throw error;
      });
      const { room, place } = placed;
      if (ws.readyState !== ws.OPEN) {
        giveBack();
        place.release();
        return {};
      }
      release = giveBack;
      const peerId = randomUUID();
      const claimReturnCamera = deviceId === null ? undefined : () => options.limits.claimReturnCamera(deviceId);
      peer = new LivePeer({ peerId, role: grant.role, classroomName: grant.classroomName }, room, place, notify, { db: ctx.db, now: ctx.now, ...(claimReturnCamera ? { claimReturnCamera } : {}) });
      // Its router went with its worker: the classroom reconnects (as after any lost socket) and is placed anew.
      place.onLost(() => ws.close(1012, 'SFU worker restarted'));
      return {
        peerId,
        routerRtpCapabilities: { ...place.router.rtpCapabilities },
        onAir: room.onAir,
        lessonTitle: grant.lessonTitle,
        quizPush: room.quizPush,
        serverTime: ctx.now().getTime(),
        ...(join.media && grant.role === 'viewer' ? { media: await peer.prepareMedia(join.media) } : {}),
      };
    }
    if (!peer) throw new HubError('bad_request', 'send join first');
    const handler = peer.handlers[method] as (d: unknown) => Promise<unknown>;
    return handler(data);
  }

  ws.on('message', (raw: RawData, isBinary) => {
    const text = isBinary ? null : rawText(raw);
    queue = queue.then(() => (text === null ? bad(null, 'binary frames are not accepted') : upstream ? upstream.send(text) : handle(text))).catch(() => undefined);
  });
  const gone = () => {
    deadline.stop();
    peer?.close();
    upstream?.close();
    release();
    hello.release();
  };
  ws.on('close', gone);
  ws.on('error', gone);
}
