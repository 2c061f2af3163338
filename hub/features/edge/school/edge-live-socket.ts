// The school edge's live signalling (/v1/live/ws, the unchanged live protocol): its classrooms join here and get their
// media from the edge's router, fed once from the county. Joining: the device authoriser (only this school's
// classrooms: `wrong_school` otherwise) and then the county itself, with the classroom's own token on a socket the
// edge keeps for it (the county checks the lesson is on its timetable and knows it is watching). Hands and questions
// go up that socket as the classroom's own; the county's quiz pushes, 下课 and recording news come down it. A return
// camera is produced here as on the county and goes up the lesson's feed (edge-live-return.ts).
import type { Server } from 'node:http';
import type { LiveMethod, LiveNotification, MediaSource } from '../../../../src/shared/live-protocol.ts';
import type { HubDatabase } from '../../../core/db/open-database.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { LivePeer } from '../../live/signalling/live-peer.ts';
import { deviceLiveLimits, type DeviceLiveLimits } from '../../live/signalling/device-live-limits.ts';
import { liveHello } from '../../live/signalling/live-hello.ts';
import { LiveRefusal } from '../../live/signalling/live-refusal.ts';
import { liveHandlers, liveRefusal, liveServerSpec, notJoined, type JoinRequest, type LiveSession } from '../../live/signalling/live-session.ts';
import type { SocketDeadlineOptions } from '../../../core/sockets/socket-keepalive.ts';
import { attachRequestServer, type RequestSocket } from '../../../core/sockets/ws-request-server.ts';
import { openCountyLiveSocket, type CountyLiveSocket } from './county-live-socket.ts';
import type { DeviceAuthoriser } from './device-authoriser.ts';
import type { EdgeLive } from './edge-live.ts';

/** Notifications of the county that concern the classroom itself (the media ones come from the edge's own router). */
const FROM_COUNTY = new Set<LiveNotification['type']>(['quizPush', 'quizClosed', 'lessonEnded', 'recording']);
/** Methods the county answers for the classroom: what it says goes to the lead classroom. */
const UPWARD = new Set<LiveMethod>(['raiseHand', 'question']);
/** How long the edge's stop waits for its classrooms' close frames. */
const CLOSE_WAIT_MS = 200;

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

/** The edge's live signalling on the one request loop (hub/core/sockets/ws-request-server.ts), as the county's. */
export function attachEdgeLiveSignalling(server: Server, given: EdgeLiveSocketDeps) {
  const deps = { ...given, limits: given.limits ?? deviceLiveLimits() };
  return attachRequestServer(
    server,
    liveServerSpec({
      deadline: deps.deadline ?? {},
      otherPaths: 'destroy',
      stop: { reason: 'edge stopping', waitMs: CLOSE_WAIT_MS },
      session: (socket) => edgeSession(socket, deps),
    }),
  );
}

function edgeSession(socket: RequestSocket<LiveNotification>, deps: EdgeLiveSocketDeps & { limits: DeviceLiveLimits }): LiveSession {
  let peer: LivePeer | null = null;
  /** Gives back the classroom's socket share (set once its join is under way). */
  let release = () => undefined as void;
  const { deadline } = socket;
  const hello = liveHello(deps.limits, deadline);
  let county: CountyLiveSocket | null = null;
  let lesson: Awaited<ReturnType<EdgeLive['enter']>> | null = null;
  /** Edge consumer id → the source it carries, to read each classroom's layer wishes from its setVideo. */
  const sources = new Map<string, MediaSource>();
  const notify = (n: LiveNotification) => socket.notify(n);
  const noteConsumers = (list: { id: string; source?: MediaSource | undefined }[] | undefined) => {
    for (const c of list ?? []) if (c.source) sources.set(c.id, c.source);
  };

  async function join(request: JoinRequest) {
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
        if (county) socket.close(1001, 'county hub unreachable');
      },
    });
    const answer = await county.request('join', { lessonId: request.lessonId, token: request.token, role: 'viewer' });
    // A silent feed (its RTP never arrives) closes the socket: the classroom rejoins, is refused here by name
    // (edge_feed_silent) and joins the county hub.
    lesson = await deps.live.enter(request.lessonId, device.classroomId, () => socket.close(4000, 'edge_feed_silent'));
    // The classroom's router on the edge (its SFU spreads classrooms over its workers like the county's).
    const { room, place } = await deps.live.sfu.place(request.lessonId, 'viewer');
    if (!socket.isOpen) {
      place.release();
      return {} as never; // nobody to answer
    }
    const claimReturnCamera = () => deps.limits.claimReturnCamera(device.deviceId);
    peer = new LivePeer({ peerId: answer.peerId, role: 'viewer', classroomName: device.classroomId }, room, place, notify, { db: deps.db, now: deps.now, claimReturnCamera });
    lesson.feed.returns.attach(answer.peerId, request.token);
    place.onLost(() => socket.close(1012, 'SFU worker restarted'));
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

  async function joined(method: Exclude<LiveMethod, 'hello' | 'join'>, data: unknown): Promise<unknown> {
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

  return {
    handlers: liveHandlers({
      hello: async ({ token }) => {
        if (peer || county) throw new HubError('bad_request', 'already joined');
        return hello.hello(async () => {
          const device = await deps.authoriser.authorise(token);
          deps.onSeen?.(device.classroomId, device.deviceId);
          return device.deviceId;
        });
      },
      join: async (request) => {
        if (peer || county) throw new HubError('bad_request', 'already joined');
        deadline.answering();
        try {
          const answer = await join(request);
          if (peer) deadline.greeted();
          return answer;
        } catch (error) {
          // A failed join leaves nothing behind: the classroom may try again (here, or at the county hub).
          if (!peer) {
            cleanup();
            deadline.refused();
          }
          throw error;
        }
      },
      joined,
    }),
    gate: (method) => notJoined(method, peer !== null),
    refusal: liveRefusal,
    refused(method, _refusal, error) {
      if (error instanceof HubError && (method === 'join' || method === 'hello')) deps.onRefused?.(error.code);
      // A refused hello (bad token, another school's, too many sockets) ends the socket, as on the county hub.
      if (method === 'hello' && !peer && !county && !hello.said()) socket.close(1008, error instanceof HubError || error instanceof LiveRefusal ? error.code : 'hello refused');
    },
    gone() {
      cleanup();
      hello.release();
    },
  };
}
