// The hub's SFU: a pool of mediasoup workers, one per core, each with one WebRtcServer (every viewer transport on that
// worker shares its UDP and TCP port, so a school firewall needs one rule per worker and a UDP-blocking one still gets
// ICE-TCP), and a LiveRoom per live lesson, made on demand on the least loaded worker. A lesson whose audience
// outgrows one worker fans out to others (lesson-routers.ts); a worker that dies is replaced and its lessons made again.
import { once } from 'node:events';
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { types as ms } from 'mediasoup';
import type { LiveRole } from '../../../../src/shared/live-protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { createPipeOrigins, type PipeOrigins } from '../cluster/cross-node-pipe.ts';
import { mirrorLesson, type LessonMirror, type OriginNode } from '../cluster/cross-node-mirror.ts';
import { LessonRouters, type PeerPlace } from './lesson-routers.ts';
import { createMemoryLiveRegistry, type LiveRegistry } from '../cluster/live-registry.ts';
import { LiveRoom, mediaCodecs, type IngestWatch } from './live-room.ts';
import { leastLoadedWorker } from './sfu-placement.ts';
import { SfuWorkerPool } from './sfu-worker-pool.ts';
import { findWorkerBin } from './worker-bin.ts';

export type LiveSfuOptions = {
  /** UDP and TCP port of worker 0's WebRtcServer (HUB_RTC_PORT); worker i listens on rtcPort + i. 0: any (tests). */
  rtcPort: number;
  /** mediasoup workers, one per core (HUB_SFU_WORKERS); default 1. */
  workers?: number;
  /** Classrooms per router before a lesson fans out to another worker (HUB_SFU_VIEWERS_PER_WORKER); default 400. */
  viewersPerRouter?: number;
  /** Address the SFU listens on for viewers (HUB_RTC_LISTEN_IP), default all interfaces. */
  listenIp?: string;
  /** Address given to browsers in ICE candidates (HUB_RTC_ANNOUNCED_IP); default: each interface's own address. */
  announcedIp?: string;
  /** Where the headless broadcaster sends RTP; loopback unless the broadcaster runs elsewhere. */
  ingestIp?: string;
  logLevel?: ms.WorkerLogLevel;
  /** How a silent broadcast is noticed (default: 5 s without RTP, checked every second). */
  ingestWatch?: IngestWatch;
  /** Which node hosts what (default: this process's memory); `nodeId` names this node in it (default: the host name). */
  registry?: LiveRegistry;
  nodeId?: string;
  /**
   * Several hub nodes (a shared registry): a classroom whose lesson's origin is on another node watches a copy piped
   * from there (cross-node-pipe.ts), and this node pipes its own lessons to others. Without it each node serves only
   * what it hosts.
   */
  cluster?: ClusterOptions;
  log?: (line: string) => void;
};

export type ClusterOptions = {
  /** HUB_CLUSTER_SECRET: sent on this node's calls; the other nodes' `cluster` access group checks it. */
  secret: string;
  /** This node's address on the nodes' network (pipe transports listen there; default: HUB_NODE_URL's host). */
  pipeIp: string;
  pipeAnnouncedIp?: string;
  enableSrtp?: boolean;
  /** How often a copy polls its origin for producers added or gone (default 1 s); also the pipe's lease. */
  pollMs?: number;
  fetch?: typeof fetch;
};

export type LiveSfu = {
  room(lessonId: string): Promise<LiveRoom>;
  /** The lesson's room when its origin is on this node (not a copy piped from another node: that one is not recorded here). */
  existingRoom(lessonId: string): LiveRoom | undefined;
  /** Where a peer of the lesson sits: consoles on the origin router, classrooms spread over the lesson's routers. */
  place(lessonId: string, role: LiveRole): Promise<{ room: LiveRoom; place: PeerPlace }>;
  /** Calls `listener` for every room, those already made and each one made later (the lesson recorder watches them). */
  onRoom(listener: (room: LiveRoom) => void): void;
  /** Every room's router has these (same codecs, same order): served before a classroom joins, to save a round trip. */
  routerRtpCapabilities: ms.RtpCapabilities;
  pool: SfuWorkerPool;
  registry: LiveRegistry;
  /** Pipes this node gives other nodes of the lessons it hosts (null: not in a cluster). */
  pipes: PipeOrigins | null;
  /**
   * The live node hosting the lesson's origin when that is another node: a console or a broadcaster landing here is
   * forwarded there, so a lesson never gets a second origin. Null outside a cluster, or when no other node hosts it.
   */
  originNode(lessonId: string): Promise<OriginNode | null>;
  /** HUB_CLUSTER_SECRET, for forwarded calls to other nodes (null outside a cluster). */
  clusterSecret: string | null;
  /** This node's id in the registry. */
  nodeId: string;
  /** Classrooms per router of a lesson, origin first (undefined: no such lesson on this node). */
  lessonViewers(lessonId: string): ReturnType<LessonRouters['viewers']> | undefined;
  close(): void;
};

/** Why live lessons cannot run on this hub, or null when a worker binary is there. */
export function liveUnavailableReason(): string | null {
  const found = findWorkerBin();
  return found.path === null ? found.reason : null;
}

/**
 * Where the WebRtcServer listens and what it tells browsers. With an announced address (a hub behind NAT, or one name
 * for all classrooms) that one; with a specific listen address, that one; otherwise every IPv4 address of the machine,
 * each announced as itself, so a browser picks one it can reach. Loopback goes last: Chromium does not pair UDP with
 * a loopback candidate (only with --allow-loopback-in-peer-connection), and a hub that announced only 127.0.0.1 left a
 * browser on the same machine on ICE-TCP. UDP entries come first: mediasoup ranks candidates in this order.
 */
export function rtcListenInfos(o: {
  port: number;
  listenIp?: string | undefined;
  announcedIp?: string | undefined;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
}): ms.WebRtcServerListenInfo[] {
  let addresses: { ip: string; announcedAddress?: string }[];
  if (o.announcedIp) addresses = [{ ip: o.listenIp ?? '0.0.0.0', announcedAddress: o.announcedIp }];
  else if (o.listenIp && o.listenIp !== '0.0.0.0') addresses = [{ ip: o.listenIp }];
  else {
    const ipv4 = Object.values(o.interfaces)
      .flatMap((list) => list ?? [])
      .filter((i) => i.family === 'IPv4');
    addresses = [...ipv4.filter((i) => !i.internal), ...ipv4.filter((i) => i.internal)].map((i) => ({ ip: i.address }));
    if (addresses.length === 0) addresses = [{ ip: '127.0.0.1' }];
  }
  return [
    ...addresses.map((a) => ({ protocol: 'udp' as const, ...a, port: o.port })),
    ...addresses.map((a) => ({ protocol: 'tcp' as const, ...a, port: o.port })),
  ];
}

export async function createLiveSfu(options: LiveSfuOptions): Promise<LiveSfu> {
  const found = findWorkerBin();
  if (found.path === null) throw new Error(found.reason);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const pool = await SfuWorkerPool.create({
    count: options.workers ?? 1,
    basePort: options.rtcPort,
    listenInfos: (port) => rtcListenInfos({ port, listenIp: options.listenIp, announcedIp: options.announcedIp, interfaces: networkInterfaces() }),
    workerBin: found.path,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    log,
  });
  // A router made only to read the capabilities every room's router will have.
  const capsRouter = await pool.worker(0).worker.createRouter({ mediaCodecs });
  const routerRtpCapabilities = capsRouter.rtpCapabilities;
  capsRouter.close();
  const registry = options.registry ?? createMemoryLiveRegistry();
  const deps = { pool, viewersPerRouter: options.viewersPerRouter ?? 400, registry, nodeId: options.nodeId ?? hostname(), log };
  const nodeId = deps.nodeId;
  const lessons = new Map<string, Promise<LessonRouters>>();
  const ready = new Map<string, LessonRouters>();
  /** Lessons watched here whose origin is on another node. */
  const mirrors = new Map<string, LessonMirror>();
  const cluster = options.cluster;
  const existingOrigin = (lessonId: string) => (mirrors.has(lessonId) ? undefined : ready.get(lessonId)?.room);
  const pipes = cluster
    ? createPipeOrigins({ originRoom: existingOrigin, listenIp: cluster.pipeIp, announcedIp: cluster.pipeAnnouncedIp, enableSrtp: cluster.enableSrtp ?? false, log })
    : null;
  const callOptions = cluster
    ? { secret: cluster.secret, nodeId, listenIp: cluster.pipeIp, announcedIp: cluster.pipeAnnouncedIp, enableSrtp: cluster.enableSrtp ?? false, ...(cluster.pollMs ? { pollMs: cluster.pollMs } : {}), ...(cluster.fetch ? { fetch: cluster.fetch } : {}), log }
    : null;

  /** The live node hosting the lesson's origin when it is not this one (a classroom's join pipes from it; consoles and ingest are forwarded to it). */
  const originElsewhere = async (lessonId: string): Promise<OriginNode | null> => {
    if (!cluster) return null;
    const origin = (await registry.lesson(lessonId)).find((r) => r.role === 'origin');
    if (!origin || origin.nodeId === nodeId) return null;
    const url = await registry.nodeUrl(origin.nodeId);
    return url ? { nodeId: origin.nodeId, url } : null;
  };
  const roomListeners: ((room: LiveRoom) => void)[] = [];
  let closed = false;

  /** The lesson made here: a copy of its origin on another node (a classroom), or its origin; null if another node claimed the origin first. */
  const makeOnce = async (lessonId: string, carried?: LiveRoom, role?: LiveRole): Promise<LessonRouters | null> => {
    const origin = role === 'viewer' && !carried ? await originElsewhere(lessonId) : null;
    let index = leastLoadedWorker(pool.loads());
    // The only worker died: the lesson waits (a second or so) for its replacement rather than fail every join.
    while (index === null) {
      if (closed) throw new Error('the SFU is closed');
      await once(pool, 'replaced');
      index = leastLoadedWorker(pool.loads());
    }
    const worker = pool.worker(index);
    const router = await worker.worker.createRouter({ mediaCodecs });
    const room = new LiveRoom(lessonId, router, options.ingestIp ?? '127.0.0.1', options.ingestWatch);
    if (origin && callOptions) {
      const routers: LessonRouters = new LessonRouters(room, worker, { ...deps, mirrored: true }, () => mirrorLost(lessonId, routers));
      try {
        mirrors.set(lessonId, await mirrorLesson(callOptions, origin, room, () => mirrorLost(lessonId, routers)));
      } catch (error) {
        routers.close();
        throw error;
      }
      ready.set(lessonId, routers);
      // Not told to onRoom's listeners: the lesson is recorded (and its demo broadcast run) on its origin node.
      log(`hub: live ${lessonId}: its origin is on node ${origin.nodeId}; watched here through a pipe`);
      return routers;
    }
    // Claimed before anyone is placed on it: two nodes making the lesson's first origin at once keep one (migration 16).
    const claim = { lessonId, nodeId, workerIndex: worker.index, workerPid: worker.worker.pid, routerId: router.id, role: 'origin' as const, viewers: 0 };
    let claimed: boolean;
    try {
      claimed = await registry.claimOrigin(claim);
    } catch (error) {
      router.close();
      throw error;
    }
    if (!claimed) {
      router.close();
      log(`hub: live ${lessonId}: another node made its origin first; looking again`);
      return null;
    }
    // 答题器: the question on the screens survives the worker (classrooms that rejoin show it again).
    if (carried) room.quizPush = carried.quizPush;
    const routers: LessonRouters = new LessonRouters(room, worker, deps, () => originLost(lessonId, routers));
    ready.set(lessonId, routers);
    for (const listener of roomListeners) listener(room);
    return routers;
  };

  const make = (lessonId: string, carried?: LiveRoom, role?: LiveRole): Promise<LessonRouters> => {
    const made = (async () => {
      // A race lost (another node claimed the origin first) is tried again: the next look finds the winner's origin.
      for (let attempt = 1; ; attempt++) {
        const routers = await makeOnce(lessonId, carried, role);
        if (routers) return routers;
        if (role !== 'viewer' || attempt >= 3) throw new HubError('upstream_unavailable', `live ${lessonId}: its origin is on another hub node; try again`);
      }
    })();
    lessons.set(lessonId, made);
    made.catch(() => {
      if (lessons.get(lessonId) === made) lessons.delete(lessonId);
    });
    return made;
  };

  // The origin's worker died: everyone on the lesson rejoins into a new room on a live worker, and the broadcaster,
  // whose lease no longer matches (`GET …/ingest`), opens a new ingest there.
  const originLost = (lessonId: string, routers: LessonRouters) => {
    if (closed || ready.get(lessonId) !== routers) return;
    ready.delete(lessonId);
    lessons.delete(lessonId);
    routers.close();
    log(`hub: live ${lessonId}: its SFU worker died; the lesson is made again on another worker and its classrooms rejoin`);
    make(lessonId, routers.room).catch((error: unknown) => log(`hub: live ${lessonId}: could not be made again: ${String(error)}`));
  };

  // The copy's origin went (its node died, or its router was made again there), or the copy's own router closed: its
  // classrooms' sockets close with the router and they rejoin, finding the origin anew in the registry.
  const mirrorLost = (lessonId: string, routers: LessonRouters) => {
    if (ready.get(lessonId) !== routers) return;
    ready.delete(lessonId);
    lessons.delete(lessonId);
    mirrors.get(lessonId)?.close();
    mirrors.delete(lessonId);
    routers.close();
  };

  // A copy is watched, never broadcast to: an ingest or a console that reaches it (the registry changed under the
  // forwarding check) is refused by name and retries, finding the origin.
  const notACopy = (lessonId: string) => {
    if (mirrors.has(lessonId)) throw new HubError('upstream_unavailable', `live ${lessonId}: its origin is on another hub node; try again`);
  };
  const room = (lessonId: string) => {
    notACopy(lessonId);
    return (lessons.get(lessonId) ?? make(lessonId)).then((r) => r.room);
  };

  return {
    routerRtpCapabilities,
    pool,
    registry,
    pipes,
    room,
    async place(lessonId, role) {
      // A classroom that arrives while its lesson's worker is being replaced waits for the new room, not an error.
      if (role === 'console') notACopy(lessonId);
      for (let attempt = 1; ; attempt++) {
        const routers = await (lessons.get(lessonId) ?? make(lessonId, undefined, role));
        try {
          return { room: routers.room, place: await routers.place(role) };
        } catch (error) {
          if (!routers.isClosed || attempt >= 3) throw error;
        }
      }
    },
    existingRoom: existingOrigin,
    originNode: originElsewhere,
    clusterSecret: cluster?.secret ?? null,
    nodeId,
    lessonViewers(lessonId) {
      return ready.get(lessonId)?.viewers();
    },
    onRoom(listener) {
      roomListeners.push(listener);
      for (const [lessonId, routers] of ready) if (!mirrors.has(lessonId)) listener(routers.room);
    },
    close() {
      closed = true;
      pipes?.stop();
      for (const mirror of mirrors.values()) mirror.close();
      mirrors.clear();
      pool.close();
    },
  };
}
