// Asking side of cross-node piping: a lesson whose origin router is on another hub node is watched here through a local
// router (a fan-out copy, registered under this node) fed over one PipeTransport. This node makes its transport, gives
// the origin its address; the origin connects, consumes every producer on air and answers with its own address and
// the consumers' rtpParameters; this node connects and produces each with the same id on its router — mediasoup's
// `pipeToRouter` across two processes. It then polls the origin every second: producers added later are produced,
// those gone are closed (the room's `onAir` tells its viewers); the question on the screens (答题器) and 下课 are
// passed on to its classrooms. Each poll carries this node's classrooms upward: raised hands and questions said since the
// last answered poll (a new one starts a poll at once), and their return cameras, consumed on this side of the pipe for
// the origin to produce and show its consoles. The origin answering `not_found` (its router died, the
// lesson was made again) or not answering at all ends the copy: its classrooms' sockets close and they rejoin.
import type { types as ms } from 'mediasoup';
import { ErrorResponse } from '../../../../src/shared/protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import type { LiveNotification } from '../../../../src/shared/live-protocol.ts';
import { clusterPipePath, clusterPipesPath, PipeOpenResponse, PipeSyncResponse, type PipedReturnVideo, type PipeOpenRequest, type PipeSyncRequest, type UpwardNotice } from './cluster-protocol.ts';
import type { LiveRoom } from '../sfu/live-room.ts';

export type ClusterCallOptions = {
  /** The shared HUB_CLUSTER_SECRET: the origin's `cluster` access group checks it. */
  secret: string;
  /** This node's id (the origin logs who it pipes to). */
  nodeId: string;
  /** Where this node's pipe transports listen and what they tell the origin. */
  listenIp: string;
  announcedIp?: string | undefined;
  enableSrtp?: boolean;
  pollMs?: number;
  /** Polls that fail in a row before the origin is given up (unreachable node). */
  maxFailedPolls?: number;
  fetch?: typeof fetch;
  log: (line: string) => void;
};

export type OriginNode = { nodeId: string; url: string };
export type LessonMirror = { close(): void };

class ClusterCallFailed extends Error {
  constructor(
    message: string,
    readonly gone: boolean,
  ) {
    super(message);
  }
}

async function call<T>(o: ClusterCallOptions, url: string, method: string, parse: (body: unknown) => T, body?: unknown): Promise<T> {
  const response = await (o.fetch ?? fetch)(url, {
    method,
    headers: { authorization: `Bearer ${o.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5_000),
  });
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = ErrorResponse.safeParse(json).data?.error;
    throw new ClusterCallFailed(`${method} ${url}: ${response.status} ${error ? `${error.code}: ${error.message}` : 'no error body'}`, response.status === 404);
  }
  return parse(json);
}

/** Feeds `room` (made on a local router) from the lesson's origin on `origin`; `onLost` when that ends by itself. */
export async function mirrorLesson(o: ClusterCallOptions, origin: OriginNode, room: LiveRoom, onLost: () => void): Promise<LessonMirror> {
  const transport = await room.router.createPipeTransport({
    listenInfo: { protocol: 'udp', ip: o.listenIp, ...(o.announcedIp ? { announcedAddress: o.announcedIp } : {}) },
    enableSrtp: o.enableSrtp ?? false,
  });
  const produced = new Map<string, ms.Producer>();
  let timer: ReturnType<typeof setInterval> | null = null;
  let ended = false;
  /** Hands and questions not yet taken by the origin (sent again after a failed poll: hands are states, questions have ids). */
  const notices: UpwardNotice[] = [];
  /** This node's return cameras on the pipe: room producer id → its pipe consumer. */
  const returned = new Map<string, ms.Consumer>();

  let ends = 0;
  const apply = async ({ producers, quizPush, ends: saidEnds }: PipeSyncResponse) => {
    // In the origin's order: the question closed, 下课, then off air (a classroom that hears 下课 before "off air"
    // knows the lesson is over, not interrupted).
    if (room.quizPush && room.quizPush.pushId !== quizPush?.pushId) room.closeQuiz(room.quizPush.pushId);
    if (quizPush && room.quizPush?.pushId !== quizPush.pushId) room.pushQuiz(quizPush);
    if (saidEnds > ends) room.toAll({ type: 'lessonEnded' });
    ends = saidEnds;
    const onAir = new Set(producers.map((p) => p.id));
    for (const [id, producer] of produced) if (!onAir.has(id)) producer.close();
    for (const p of producers) {
      if (produced.has(p.id) || transport.closed) continue;
      const producer = await transport.produce({ id: p.id, kind: p.kind, rtpParameters: p.rtpParameters as unknown as ms.RtpParameters, paused: p.paused, appData: p.appData });
      produced.set(p.id, producer);
      producer.observer.once('close', () => produced.delete(p.id));
      // As a console's producers are: the room's viewers (and its own fan-out routers) re-consume on `onAir`.
      room.addConsoleProducer(producer);
    }
  };

  const upward = async (): Promise<PipeSyncRequest> => {
    const returnVideos: PipedReturnVideo[] = [];
    for (const [peerId, { producer, classroomName }] of room.returnVideos) {
      let consumer = returned.get(producer.id);
      if (!consumer) {
        try {
          consumer = await transport.consume({ producerId: producer.id });
        } catch (error) {
          if (!producer.closed && !transport.closed) o.log(`hub: live ${room.lessonId}: return camera of ${classroomName} not piped to node ${origin.nodeId}: ${String(error)}`);
          continue;
        }
        const made = consumer;
        returned.set(producer.id, made);
        made.observer.once('close', () => {
          if (returned.get(producer.id) === made) returned.delete(producer.id);
        });
      }
      returnVideos.push({ peerId, classroomName, producer: { id: producer.id, kind: producer.kind, rtpParameters: { ...consumer.rtpParameters }, paused: consumer.producerPaused, appData: { ...producer.appData } } });
    }
    return { notices: [...notices], returnVideos };
  };

  // Polled at once, not at the next tick: a raised hand should not wait a second. Return cameras travel as state.
  const onConsoleNotice = (n: LiveNotification) => {
    if (n.type === 'hand' || n.type === 'question') {
      notices.push(n);
      if (notices.length > 200) notices.splice(0, notices.length - 200); // an origin that does not answer: keep the latest
    } else if (n.type !== 'returnVideo') return;
    poll();
  };

  const end = (reason: string, lost: boolean) => {
    if (ended) return;
    ended = true;
    if (timer) clearInterval(timer);
    room.off('console', onConsoleNotice);
    transport.close(); // its producers close with it: the room goes off air
    o.log(`hub: live ${room.lessonId}: copy from node ${origin.nodeId} ended: ${reason}`);
    if (lost) onLost();
  };

  let answer: PipeOpenResponse;
  try {
    const request: PipeOpenRequest = {
      nodeId: o.nodeId,
      ip: transport.tuple.localAddress ?? o.listenIp,
      port: transport.tuple.localPort,
      ...(transport.srtpParameters ? { srtpParameters: transport.srtpParameters } : {}),
    };
    answer = await call(o, `${origin.url}${clusterPipesPath(room.lessonId)}`, 'POST', (b) => PipeOpenResponse.parse(b), request);
    await transport.connect({ ip: answer.ip, port: answer.port, ...(answer.srtpParameters ? { srtpParameters: answer.srtpParameters } : {}) });
    ends = answer.ends; // a 下课 said before this copy existed is not this copy's news
    await apply(answer);
  } catch (error) {
    transport.close();
    // The details (the node's internal address) go to this node's log; the classroom hears the reason and retries.
    o.log(`hub: live ${room.lessonId}: no pipe from node ${origin.nodeId}: ${error instanceof Error ? error.message : String(error)}`);
    throw new HubError('upstream_unavailable', `live ${room.lessonId}: the hub node hosting this lesson does not answer; try again`);
  }
  const syncUrl = `${origin.url}${clusterPipePath(room.lessonId, answer.pipeId)}/sync`;
  let failed = 0;
  let polling = false;
  let again = false;
  function poll() {
    if (ended) return;
    if (polling) {
      again = true; // said while a poll was out: the next one carries it at once
      return;
    }
    polling = true;
    again = false;
    upward()
      .then(async (body) => {
        const sync = await call(o, syncUrl, 'POST', (b) => PipeSyncResponse.parse(b), body);
        failed = 0;
        notices.splice(0, body.notices.length);
        if (!ended) await apply(sync);
      })
      .catch((error: unknown) => {
        if (error instanceof ClusterCallFailed && error.gone) return end(`the origin has no such pipe any more (${error.message})`, true);
        failed++;
        o.log(`hub: live ${room.lessonId}: poll of node ${origin.nodeId} failed (${failed}): ${String(error)}`);
        if (failed >= (o.maxFailedPolls ?? 3)) end(`node ${origin.nodeId} did not answer ${failed} polls`, true);
      })
      .finally(() => {
        polling = false;
        if (again) poll();
      });
  }
  timer = setInterval(poll, o.pollMs ?? 1_000);
  timer.unref();
  // The local router closing (its worker died) ends the copy too; the SFU's own lost-router path moves the classrooms.
  transport.observer.once('close', () => end('the local router closed', false));
  room.on('console', onConsoleNotice);

  return {
    close() {
      if (ended) return;
      end('closed here', false);
      call(o, `${origin.url}${clusterPipePath(room.lessonId, answer.pipeId)}`, 'DELETE', () => undefined).catch((error: unknown) =>
        o.log(`hub: live ${room.lessonId}: could not tell node ${origin.nodeId} to close its pipe (its lease will): ${String(error)}`),
      );
    },
  };
}
