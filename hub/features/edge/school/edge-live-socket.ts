// The school edge's live signalling (/v1/live/ws, the unchanged live protocol): its classrooms join here and get their
// media from the edge's router, fed once from the county. Joining: the device authoriser (only this school's
// classrooms: `wrong_school` otherwise) and then the county itself, with the classroom's own token on a socket the
// edge keeps for it (the county checks the lesson is on its timetable and knows it is watching). Hands and questions
// go up that socket as the classroom's own; the county's quiz pushes, 下课 and recording news come down it. A return
// camera is produced here as on the county and goes up the lesson's feed (edge-live-return.ts).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { z } from 'zod';
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
  type MediaSource,
} from '../../../../src/shared/live-protocol.ts';
import type { HubDatabase } from '../../../core/db/open-database.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { upgradePath } from '../../../core/http/upgrade-guard.ts';
import { LivePeer } from '../../live/signalling/live-peer.ts';
import { deviceLiveLimits, type DeviceLiveLimits } from '../../live/signalling/device-live-limits.ts';
import { liveHello } from '../../live/signalling/live-hello.ts';
import { LiveRefusal } from '../../live/signalling/live-refusal.ts';
import { keepAliveByPing, MAX_BAD_FRAMES, rawText, socketDeadline, type SocketDeadlineOptions } from '../../../core/sockets/socket-keepalive.ts';
import { openCountyLiveSocket, type CountyLiveSocket } from './county-live-socket.ts';
import type { DeviceAuthoriser } from './device-authoriser.ts';
import type { EdgeLive } from './edge-live.ts';

/** Notifications of the county that concern the classroom itself (the media ones come from the edge's own router). */
const FROM_COUNTY = new Set<LiveNotification['type']>(['quizPush', 'quizClosed', 'lessonEnded', 'recording']);
/** Methods the county answers for the classroom: what it says goes to the lead classroom. */
const UPWARD = new Set<LiveMethod>(['raiseHand', 'question']);

export type EdgeLiveSocketDeps = {
  live: EdgeLive;
  authoriser: DeviceAuthoriser;
  upstream: string;
  /** LivePeer's console-only commands need a database; the edge grants no console, so an empty in-memory one. */
  db: HubDatabase;
  now: () => Date;
  onSeen?: (classroomId: string, deviceId: string) => void;
  /** A join refused by name (the status page counts `wrong_school` and `unauthorized` as for content). */
  onRefused?: (code: string) => void;
  /** The join deadline (the county's and the sync socket's rule) and what one classroom may hold here. */
  deadline?: SocketDeadlineOptions;
  limits?: DeviceLiveLimits;
};

export function attachEdgeLiveSignalling(server: Server, given: EdgeLiveSocketDeps) {
  const deps = { ...given, limits: given.limits ?? deviceLiveLimits() };
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIVE_MAX_FRAME_BYTES });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (upgradePath(request) !== LIVE_WS_PATH) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      wss.emit('connection', ws, request);
      serveEdgeSocket(ws, request, deps);
    });
  };
  server.on('upgrade', onUpgrade);
  const stopPinging = keepAliveByPing(wss);
  return {
    async close() {
      stopPinging();
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.close(1001, 'edge stopping');
      await new Promise((r) => setTimeout(r, 200));
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function serveEdgeSocket(ws: WebSocket, request: IncomingMessage, deps: EdgeLiveSocketDeps & { limits: DeviceLiveLimits }) {
  let peer: LivePeer | null = null;
  /** Gives back the classroom's socket share (set once its join is under way). */
  let release = () => undefined as void;
  const deadline = socketDeadline({ ...deps.deadline, bytesRead: () => request.socket.bytesRead, onExpired: () => ws.close(1008, 'no join') });
  const hello = liveHello(deps.limits, deadline);
  let county: CountyLiveSocket | null = null;
  let lesson: Awaited<ReturnType<EdgeLive['enter']>> | null = null;
  let badFrames = 0;
  let queue: Promise<void> = Promise.resolve();
  /** Edge consumer id → the source it carries, to read each classroom's layer wishes from its setVideo. */
  const sources = new Map<string, MediaSource>();

  const send = (message: LiveServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const notify = (notification: LiveNotification) => send({ v: LIVE_PROTOCOL_VERSION, kind: 'notification', notification });
  const fail = (id: number | null, code: LiveErrorCode, message: string) =>
    send({ v: LIVE_PROTOCOL_VERSION, kind: 'response', id, ok: false, error: { code, message: message.slice(0, 2000) } });
  const bad = (id: number | null, message: string) => {
    fail(id, 'malformed', message);
    if (++badFrames >= MAX_BAD_FRAMES) ws.close(1008, 'too many malformed messages');
  };
  const noteConsumers = (list: { id: string; source?: MediaSource | undefined }[] | undefined) => {
    for (const c of list ?? []) if (c.source) sources.set(c.id, c.source);
  };

  async function join(request: z.output<(typeof liveRequests)['join']['request']>) {
    if (request.role !== 'viewer') throw new HubError('forbidden', 'a school edge serves its classrooms; the lead console joins the county hub');
    const device = await deps.authoriser.authorise(request.token);
    deps.onSeen?.(device.classroomId, device.deviceId);
    release = hello.claimForJoin(device.deviceId); // a failed join gives a new share back (cleanup)
    const quiet = deps.live.silent();
    if (quiet) throw new LiveRefusal('edge_feed_silent', `no RTP from the county hub reaches this edge (lesson ${quiet.lessonId}): join the county hub`);
    county = await openCountyLiveSocket({
      upstream: deps.upstream,
      onNotification: (n) => {
        if (FROM_COUNTY.has(n.type)) notify(n);
        if (n.type === 'onAir') deps.live.onAirChanged(request.lessonId);
      },
      // Without the county the classroom cannot be heard nor its lesson checked: it rejoins (here or at the county).
      onClosed: () => {
        if (county) ws.close(1001, 'county hub unreachable');
      },
    });
    const answer = await county.request('join', { lessonId: request.lessonId, token: request.token, role: 'viewer' });
    // A silent feed (its RTP never arrives) closes the socket: the classroom rejoins, is refused here by name
    // (edge_feed_silent) and joins the county hub.
    lesson = await deps.live.enter(request.lessonId, device.classroomId, () => ws.close(4000, 'edge_feed_silent'));
    // The classroom's router on the edge (its SFU spreads classrooms over its workers like the county's).
    const { room, place } = await deps.live.sfu.place(request.lessonId, 'viewer');
    if (ws.readyState !== ws.OPEN) {
      place.release();
      return {};
    }
    const claimReturnCamera = () => deps.limits.claimReturnCamera(device.deviceId);
    peer = new LivePeer({ peerId: answer.peerId, role: 'viewer', classroomName: device.classroomId }, room, place, notify, { db: deps.db, now: deps.now, claimReturnCamera });
    lesson.feed.returns.attach(answer.peerId, request.token);
    place.onLost(() => ws.close(1012, 'SFU worker restarted'));
    const media = request.media ? await peer.prepareMedia(request.media) : undefined;
    noteConsumers(media?.consumers);
    return {
      peerId: answer.peerId,
      routerRtpCapabilities: { ...place.router.rtpCapabilities },
      onAir: room.onAir,
      lessonTitle: answer.lessonTitle,
      quizPush: answer.quizPush ?? null,
      ...(answer.serverTime !== undefined ? { serverTime: answer.serverTime } : {}),
      ...(media ? { media } : {}),
    };
  }

  async function dispatch(method: LiveMethod, data: unknown): Promise<unknown> {
    if (method === 'hello') {
      if (peer || county) throw new HubError('bad_request', 'already joined');
      const { token } = data as { token: string };
      return hello.hello(async () => {
        const device = await deps.authoriser.authorise(token);
        deps.onSeen?.(device.classroomId, device.deviceId);
        return device.deviceId;
      });
    }
    if (method === 'join') {
      if (peer || county) throw new HubError('bad_request', 'already joined');
      return join(data as z.output<(typeof liveRequests)['join']['request']>);
    }
    if (!peer || !county) throw new HubError('bad_request', 'send join first');
    if (UPWARD.has(method)) return county.request(method as 'raiseHand', data as { raised: boolean });
    const result = await (peer.handlers[method] as (d: unknown) => Promise<unknown>)(data);
    if (method === 'consume') noteConsumers((result as { consumers: { id: string; source?: MediaSource }[] }).consumers);
    if (method === 'setVideo') {
      const { consumerId, maxSpatialLayer, paused } = data as { consumerId: string; maxSpatialLayer: number; paused: boolean };
      const source = sources.get(consumerId);
      if (source && lesson) lesson.feed.setWish(peer.identity.peerId, source, paused ? null : maxSpatialLayer);
    }
    return result;
  }

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
      const result = await dispatch(method, data.data);
      if (method === 'join' && peer) deadline.greeted();
      send({ v: LIVE_PROTOCOL_VERSION, kind: 'response', id, ok: true, data: liveRequests[method].response.parse(result) });
    } catch (error) {
      if (error instanceof LiveRefusal) fail(id, error.code, error.message);
      else if (error instanceof HubError) {
        fail(id, error.code, error.message);
        if (method === 'join' || method === 'hello') deps.onRefused?.(error.code);
      }
      else fail(id, 'bad_request', error instanceof Error ? error.message : String(error));
      // A failed join leaves nothing behind: the classroom may try again (here, or at the county hub).
      if (method === 'join' && !peer) {
        cleanup();
        deadline.refused();
      }
      // A refused hello (bad token, another school's, too many sockets) ends the socket, as on the county hub.
      if (method === 'hello' && !peer && !county && !hello.said()) ws.close(1008, error instanceof HubError || error instanceof LiveRefusal ? error.code : 'hello refused');
    }
  }

  function cleanup() {
    const peerId = peer?.identity.peerId ?? '';
    peer?.close();
    peer = null;
    const upward = county;
    county = null; // first: its close is ours, not the county's
    upward?.close();
    lesson?.leave(peerId);
    lesson = null;
    release();
  }

  ws.on('message', (raw: RawData, isBinary) => {
    const text = isBinary ? null : rawText(raw);
    queue = queue.then(() => (text === null ? bad(null, 'binary frames are not accepted') : handle(text))).catch(() => undefined);
  });
  const gone = () => {
    deadline.stop();
    cleanup();
    hello.release();
  };
  ws.on('close', gone);
  ws.on('error', gone);
}
