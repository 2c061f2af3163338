// WebSocket signalling on the hub's HTTP server (path LIVE_WS_PATH), on the one request loop (ws-request-server.ts):
// each socket handles its frames one at a time; any bad frame gets a named error response on that socket only, so one
// broken or hostile client cannot crash the hub or disturb other viewers. Too many bad frames and the socket is closed.
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { HubContext } from '../../../core/http/hub-context.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { authenticateDevice } from '../../org/auth-guards.ts';
import { authoriseJoin } from './authorise-join.ts';
import { liveHello } from './live-hello.ts';
import { LivePeer } from './live-peer.ts';
import { forwardConsoleSocket, wasForwarded, type ConsoleUpstream } from '../cluster/origin-forward.ts';
import { deviceLiveLimits, type DeviceLiveLimits } from './device-live-limits.ts';
import { LiveRefusal } from './live-refusal.ts';
import { liveHandlers, liveRefusal, liveServerSpec, notJoined, type JoinRequest, type LiveSession } from './live-session.ts';
import type { SocketDeadlineOptions } from '../../../core/sockets/socket-keepalive.ts';
import { ANSWERED_ELSEWHERE, attachRequestServer, type RequestSocket } from '../../../core/sockets/ws-request-server.ts';
import type { LiveNotification } from '../../../../src/shared/live-protocol.ts';
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
  return attachRequestServer(
    server,
    liveServerSpec({
      deadline: options.deadline ?? {},
      perMessageDeflate: DEFLATE,
      otherPaths: 'leave', // refused and closed by http/upgrade-guard.ts
      stop: { reason: 'hub stopping', waitMs: CLOSE_WAIT_MS },
      session: (socket, request) => countySession(socket, ctx, sfu, unavailable, limits, wasForwarded(request.headers)),
    }),
  );
}

function countySession(socket: RequestSocket<LiveNotification>, ctx: HubContext, sfu: LiveSfu | null, unavailable: string, limits: DeviceLiveLimits, forwardedHere: boolean): LiveSession {
  let peer: LivePeer | null = null;
  /** A console whose lesson's origin is on another node: its frames go there (origin-forward.ts). */
  let upstream: ConsoleUpstream | null = null;
  /** Gives back the device's socket share when this socket goes. */
  let release = () => undefined as void;
  const { deadline } = socket;
  const hello = liveHello(limits, deadline);

  async function join(request: JoinRequest) {
    if (!sfu) throw new HubError('not_found', `live lessons are unavailable on this hub: ${unavailable}`);
    const grant = await authoriseJoin(ctx, request, socket.address);
    const { deviceId } = grant;
    // One origin per lesson: a console landing here while another node hosts it is passed on to that node, which
    // answers this join and everything after it (the frames go through as they are).
    const origin = grant.role === 'console' && !forwardedHere ? await sfu.originNode(request.lessonId) : null;
    if (origin) {
      const joinFrame = socket.currentFrame();
      upstream = await forwardConsoleSocket(socket, origin, sfu.nodeId, joinFrame, (line) => process.emitWarning(line));
      const to = upstream;
      socket.passThrough((text) => to.send(text));
      return ANSWERED_ELSEWHERE as never;
    }
    const giveBack = hello.claimForJoin(deviceId);
    const placed = await sfu.place(request.lessonId, grant.role).catch((error: unknown) => {
      giveBack();
      throw error;
    });
    const { room, place } = placed;
    if (!socket.isOpen) {
      giveBack();
      place.release();
      return {} as never; // nobody to answer
    }
    release = giveBack;
    const peerId = randomUUID();
    const claimReturnCamera = deviceId === null ? undefined : () => limits.claimReturnCamera(deviceId);
    peer = new LivePeer({ peerId, role: grant.role, classroomName: grant.classroomName }, room, place, (n) => socket.notify(n), { db: ctx.db, now: ctx.now, ...(claimReturnCamera ? { claimReturnCamera } : {}) });
    // Its router went with its worker: the classroom reconnects (as after any lost socket) and is placed anew.
    place.onLost(() => socket.close(1012, 'SFU worker restarted'));
    return {
      peerId,
      routerRtpCapabilities: { ...place.router.rtpCapabilities },
      onAir: room.onAir,
      lessonTitle: grant.lessonTitle,
      quizPush: room.quizPush,
      serverTime: ctx.now().getTime(),
      ...(request.media && grant.role === 'viewer' ? { media: await peer.prepareMedia(request.media) } : {}),
    };
  }

  return {
    handlers: liveHandlers({
      hello: async ({ token }) => {
        if (peer) throw new HubError('bad_request', 'already joined');
        return hello.hello(async () => (await authenticateDevice(ctx, token, socket.address)).id);
      },
      join: async (request) => {
        if (peer || upstream) throw new HubError('bad_request', 'already joined');
        deadline.answering();
        try {
          const answer = await join(request);
          if (peer || upstream) deadline.greeted(); // a forwarded console: the origin node answers the join
          return answer;
        } catch (error) {
          deadline.refused();
          throw error;
        }
      },
      joined: (method, data) => {
        if (!peer) throw new HubError('bad_request', 'send join first');
        return (peer.handlers[method] as (d: unknown) => Promise<unknown>)(data);
      },
    }),
    gate: (method) => notJoined(method, peer !== null),
    refusal: liveRefusal,
    refused(method, _refusal, error) {
      // A refused hello (bad token, too many sockets) ends the socket, as on the sync socket.
      if (method === 'hello' && !peer && !hello.said()) socket.close(1008, error instanceof HubError || error instanceof LiveRefusal ? error.code : 'hello refused');
    },
    gone() {
      peer?.close();
      upstream?.close();
      release();
      hello.release();
    },
  };
}
