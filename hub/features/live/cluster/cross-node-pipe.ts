// Origin side of cross-node piping: another hub node whose classrooms watch a lesson whose origin router is here asks
// for a pipe. Per asking node and lesson one PipeTransport on the origin router, connected to the asker's, and one pipe
// consumer per producer on air — what mediasoup's `pipeToRouter` does inside one process (consume here, produce with the
// same id and rtpParameters there), split across the two processes. The asker polls (`sync`): producers added later are
// consumed then, and the poll is the pipe's lease, so a pipe whose asker died is closed here. The poll also carries the
// asker's classrooms upward: their raised hands and questions go to this room's consoles, and their return cameras,
// consumed on the asker's side, are produced on this pipe transport and shown to the consoles as a classroom's own.
import { randomUUID } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import { HubError } from '../../../core/http/hub-error.ts';
import type { PipedProducer, PipedReturnVideo, PipeOpenRequest, PipeOpenResponse, PipeSyncRequest, PipeSyncResponse } from './cluster-protocol.ts';
import type { LiveNotification } from '../../../../src/shared/live-protocol.ts';
import type { LiveRoom } from '../sfu/live-room.ts';

export type PipeOriginsOptions = {
  /** The lesson's origin room on this node, or undefined (not here, or only a copy piped from elsewhere). */
  originRoom: (lessonId: string) => LiveRoom | undefined;
  /** Where this node's pipe transports listen and what they tell the other node (its private-network address). */
  listenIp: string;
  announcedIp?: string | undefined;
  /** SRTP on pipes (the nodes' network is not trusted). */
  enableSrtp?: boolean;
  /** A pipe not polled for this long is closed (the asking node died or lost the lesson). */
  leaseMs?: number;
  now?: () => number;
  log: (line: string) => void;
};

type Pipe = {
  id: string;
  lessonId: string;
  nodeId: string;
  room: LiveRoom;
  transport: ms.PipeTransport;
  consumers: Map<string, ms.Consumer>;
  /** The asker's classrooms' return cameras, produced here: the asker's producer id → its producer on this transport. */
  returns: Map<string, ms.Producer>;
  refreshedAt: number;
  ends: number;
};

export type PipeOrigins = {
  open(lessonId: string, request: PipeOpenRequest): Promise<PipeOpenResponse>;
  sync(lessonId: string, pipeId: string, upward?: PipeSyncRequest): Promise<PipeSyncResponse>;
  close(lessonId: string, pipeId: string): boolean;
  /** Open pipes (tests, diagnostics). */
  count(): number;
  stop(): void;
};

export function createPipeOrigins(options: PipeOriginsOptions): PipeOrigins {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 15_000;
  const pipes = new Map<string, Pipe>();

  const sweeper = setInterval(() => {
    for (const pipe of pipes.values()) {
      if (now() - pipe.refreshedAt <= leaseMs) continue;
      options.log(`hub: live ${pipe.lessonId}: pipe to node ${pipe.nodeId} not polled for ${leaseMs / 1000} s; closed`);
      pipe.transport.close();
    }
  }, Math.min(5_000, leaseMs));
  sweeper.unref();

  const pipeOf = (lessonId: string, pipeId: string) => {
    const pipe = pipes.get(pipeId);
    if (!pipe || pipe.lessonId !== lessonId) throw new HubError('not_found', `pipe ${pipeId} of lesson ${lessonId} (the lesson was made again, or the pipe expired)`);
    return pipe;
  };

  /** The asker's return cameras as it sees them now: new ones produced here and handed to the room, gone ones closed. */
  const takeReturns = async (pipe: Pipe, videos: PipedReturnVideo[]) => {
    const onAir = new Set(videos.map((v) => v.producer.id));
    for (const [id, producer] of pipe.returns) if (!onAir.has(id)) producer.close();
    for (const { peerId, classroomName, producer: p } of videos) {
      if (pipe.returns.has(p.id) || pipe.transport.closed) continue;
      let producer: ms.Producer;
      try {
        producer = await pipe.transport.produce({ id: p.id, kind: p.kind, rtpParameters: p.rtpParameters as unknown as ms.RtpParameters, paused: p.paused, appData: p.appData });
      } catch (error) {
        options.log(`hub: live ${pipe.lessonId}: return camera of ${classroomName} from node ${pipe.nodeId} not taken: ${String(error)}`);
        continue;
      }
      pipe.returns.set(p.id, producer);
      producer.observer.once('close', () => pipe.returns.delete(p.id));
      pipe.room.addReturnVideo(peerId, classroomName, producer);
    }
  };

  const state = async (pipe: Pipe): Promise<PipeSyncResponse> => ({ producers: await consumeAll(pipe), quizPush: pipe.room.quizPush, ends: pipe.ends });

  /** Consumes what is on air and not yet on the pipe; answers every producer on air that has its pipe consumer. */
  const consumeAll = async (pipe: Pipe): Promise<PipedProducer[]> => {
    const out: PipedProducer[] = [];
    for (const producer of pipe.room.producers()) {
      let consumer = pipe.consumers.get(producer.id);
      if (!consumer) {
        try {
          consumer = await pipe.transport.consume({ producerId: producer.id });
        } catch (error) {
          // It closed while being consumed (a broadcaster restarting): the next poll brings its successor.
          if (!producer.closed && !pipe.transport.closed) options.log(`hub: live ${pipe.lessonId}: piping ${producer.kind} to node ${pipe.nodeId} failed: ${String(error)}`);
          continue;
        }
        const made = consumer;
        pipe.consumers.set(producer.id, made);
        made.observer.once('close', () => {
          if (pipe.consumers.get(producer.id) === made) pipe.consumers.delete(producer.id);
        });
      }
      out.push({ id: producer.id, kind: producer.kind, rtpParameters: { ...consumer.rtpParameters }, paused: consumer.producerPaused, appData: { ...producer.appData } });
    }
    return out;
  };

  return {
    async open(lessonId, request) {
      const room = options.originRoom(lessonId);
      if (!room) throw new HubError('not_found', `lesson ${lessonId} has no origin on this node`);
      const transport = await room.router.createPipeTransport({
        listenInfo: { protocol: 'udp', ip: options.listenIp, ...(options.announcedIp ? { announcedAddress: options.announcedIp } : {}) },
        enableSrtp: options.enableSrtp ?? false,
      });
      const pipe: Pipe = { id: randomUUID(), lessonId, nodeId: request.nodeId, room, transport, consumers: new Map(), returns: new Map(), refreshedAt: now(), ends: 0 };
      pipes.set(pipe.id, pipe);
      // 下课 is said to every peer before the media stops: counted then, so the copy says it before it goes off air too.
      const onNotice = (n: LiveNotification) => {
        if (n.type === 'lessonEnded') pipe.ends++;
      };
      room.on('toAll', onNotice);
      // The origin router closing (its worker died, the lesson was made again) closes the transport: the asker's next
      // poll hears `not_found` and its classrooms rejoin.
      transport.observer.once('close', () => {
        pipes.delete(pipe.id);
        room.off('toAll', onNotice);
      });
      try {
        await transport.connect({ ip: request.ip, port: request.port, ...(request.srtpParameters ? { srtpParameters: request.srtpParameters } : {}) });
        const current = await state(pipe);
        options.log(`hub: live ${lessonId}: piped to node ${request.nodeId} (${current.producers.length} producers)`);
        return {
          pipeId: pipe.id,
          ip: transport.tuple.localAddress ?? options.listenIp,
          port: transport.tuple.localPort,
          ...(transport.srtpParameters ? { srtpParameters: transport.srtpParameters } : {}),
          ...current,
        };
      } catch (error) {
        transport.close();
        throw error;
      }
    },
    async sync(lessonId, pipeId, upward) {
      const pipe = pipeOf(lessonId, pipeId);
      pipe.refreshedAt = now();
      // Said on the asker as if said here: the room's consoles cannot tell a classroom on another node from their own.
      for (const notice of upward?.notices ?? []) pipe.room.toConsoles(notice);
      await takeReturns(pipe, upward?.returnVideos ?? []);
      return state(pipe);
    },
    close(lessonId, pipeId) {
      const pipe = pipes.get(pipeId);
      if (!pipe || pipe.lessonId !== lessonId) return false;
      pipe.transport.close();
      return true;
    },
    count: () => pipes.size,
    stop() {
      clearInterval(sweeper);
      for (const pipe of [...pipes.values()]) pipe.transport.close();
    },
  };
}
