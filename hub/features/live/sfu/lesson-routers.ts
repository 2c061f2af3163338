// A live lesson's routers: the origin (the LiveRoom's router, where the broadcast and the console's media arrive) and,
// once more classrooms watch than one router should serve, fan-out routers on other workers, each fed by
// `pipeToRouter` with every producer on air (and every one added later). A classroom is given a place: a router, that
// worker's WebRtcServer and the producers as that router sees them (same ids, same appData, so the wire protocol is
// unchanged). A router that goes (its worker died, the lesson closed) takes its places with it: their sockets are
// closed and the classrooms rejoin by themselves.
import type { types as ms } from 'mediasoup';
import type { LiveRole } from '../../../../src/shared/live-protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import type { LiveRegistry, RouterPlacement } from '../cluster/live-registry.ts';
import { mediaCodecs, type LiveRoom } from './live-room.ts';
import { placeViewer } from './sfu-placement.ts';
import type { SfuWorker, SfuWorkerPool } from './sfu-worker-pool.ts';

export type PeerPlace = {
  readonly router: ms.Router;
  readonly webRtcServer: ms.WebRtcServer;
  readonly workerIndex: number;
  /** What is on air, as producers on this place's router (waits for pipes still being made). */
  producers(): Promise<ms.Producer[]>;
  /** A producer made here (a classroom's return camera) as the room's router sees it, for the console to consume. */
  toRoom(producer: ms.Producer): Promise<ms.Producer>;
  /** Calls `listener` when the router is gone (its worker died): the peer's socket is closed so the classroom rejoins. */
  onLost(listener: () => void): void;
  /** The peer left: its seat is free, and its lost-listener dropped (a socket must not outlive itself in a closure). */
  release(): void;
};

type Slot = {
  router: ms.Router;
  worker: SfuWorker;
  role: 'origin' | 'fanout';
  viewers: number;
  /** Fan-out only: origin producer id → its pipe producer on this router. */
  piped: Map<string, ms.Producer>;
  synced: Promise<void>;
  lost: Set<() => void>;
  placement: RouterPlacement;
};

export type LessonRoutersDeps = {
  pool: SfuWorkerPool;
  viewersPerRouter: number;
  registry: LiveRegistry;
  nodeId: string;
  log: (line: string) => void;
  /** The lesson's origin is on another node and this "origin" is its copy here (cross-node-mirror.ts): registered as a fan-out router. */
  mirrored?: boolean;
};

export class LessonRouters {
  private readonly slots: Slot[] = [];
  /** Placements and releases one at a time, so two classrooms joining together cannot both open a new router. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly room: LiveRoom,
    origin: SfuWorker,
    private readonly deps: LessonRoutersDeps,
    /** The origin router went (its worker died): the SFU makes the lesson again. */
    private readonly onOriginLost: () => void,
  ) {
    this.slots.push(this.track(room.router, origin, 'origin'));
    // Registered before any peer's listener: a viewer's re-consume on `onAir` then finds the pipes already under way.
    room.on('onAir', () => {
      for (const slot of this.slots) if (slot.role === 'fanout') this.sync(slot);
    });
  }

  private track(router: ms.Router, worker: SfuWorker, role: Slot['role']): Slot {
    const registered = this.deps.mirrored ? 'fanout' : role;
    const placement = { lessonId: this.room.lessonId, nodeId: this.deps.nodeId, workerIndex: worker.index, workerPid: worker.worker.pid, routerId: router.id, role: registered, viewers: 0 };
    const slot: Slot = { router, worker, role, viewers: 0, piped: new Map(), synced: Promise.resolve(), lost: new Set(), placement };
    this.report(this.deps.registry.put(placement));
    router.observer.once('close', () => {
      for (const listener of [...slot.lost]) listener();
      slot.lost.clear();
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1);
      this.report(this.deps.registry.remove(router.id));
      if (role === 'origin' && !this.closed) this.onOriginLost();
    });
    return slot;
  }

  private count(slot: Slot) {
    if (!slot.router.closed) this.report(this.deps.registry.put({ ...slot.placement, viewers: slot.viewers }));
  }

  private report(write: Promise<void>) {
    write.catch((error: unknown) => this.deps.log(`hub: live registry (${this.room.lessonId}): ${String(error)}`));
  }

  /** Pipes whatever is on air and not yet on this fan-out router; queued after the previous sync of the same router. */
  private sync(slot: Slot) {
    slot.synced = slot.synced.then(async () => {
      for (const producer of this.room.producers()) {
        if (slot.piped.has(producer.id) || producer.closed || slot.router.closed) continue;
        try {
          const { pipeProducer } = await this.room.router.pipeToRouter({ producerId: producer.id, router: slot.router });
          if (!pipeProducer) continue;
          slot.piped.set(producer.id, pipeProducer);
          pipeProducer.observer.once('close', () => {
            if (slot.piped.get(producer.id) === pipeProducer) slot.piped.delete(producer.id);
          });
        } catch (error) {
          // The producer closed while it was being piped (the broadcaster restarted): the next onAir brings the new one.
          if (!producer.closed) this.deps.log(`hub: live ${this.room.lessonId}: piping ${producer.kind} to worker ${slot.worker.index} failed: ${String(error)}`);
        }
      }
    });
  }

  private serial<T>(task: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async addFanout(worker: SfuWorker): Promise<Slot> {
    const router = await worker.worker.createRouter({ mediaCodecs });
    const slot = this.track(router, worker, 'fanout');
    this.slots.push(slot);
    this.deps.log(`hub: live ${this.room.lessonId}: more classrooms than ${this.deps.viewersPerRouter} per worker; fanning out to worker ${worker.index}`);
    this.sync(slot);
    return slot;
  }

  /** Consoles go to the origin (their media is the broadcast); classrooms to the first router with room, or a new one. */
  async place(role: LiveRole): Promise<PeerPlace> {
    const slot = await this.serial(async () => {
      const origin = this.slots[0];
      // Not a refusal: the classroom retries, and by then the lesson is on a live worker (LiveSfu.place retries first).
      if (this.closed || !origin || origin.role !== 'origin') throw new HubError('internal', `live ${this.room.lessonId}: its SFU worker is being replaced`);
      if (role === 'console') return origin;
      const loads = this.slots.map((s) => ({ workerIndex: s.worker.index, viewers: s.viewers }));
      const decision = placeViewer(loads, this.deps.pool.loads(), this.deps.viewersPerRouter);
      const chosen = decision.kind === 'existing' ? this.slots[decision.router] : await this.addFanout(this.deps.pool.worker(decision.workerIndex));
      if (!chosen) throw new HubError('internal', `live ${this.room.lessonId}: no router to place a classroom on`);
      chosen.viewers++;
      this.count(chosen);
      return chosen;
    });
    await slot.synced;
    let released = false;
    let lostListener: (() => void) | null = null;
    return {
      router: slot.router,
      webRtcServer: slot.worker.webRtcServer,
      workerIndex: slot.worker.index,
      onLost: (listener) => {
        if (released) return;
        lostListener = listener;
        if (slot.router.closed) listener();
        else slot.lost.add(listener);
      },
      producers: async () => {
        if (slot.role === 'origin') return this.room.producers();
        await slot.synced;
        return this.room.producers().flatMap((p) => slot.piped.get(p.id) ?? []);
      },
      toRoom: async (producer) => {
        if (slot.role === 'origin') return producer;
        const { pipeProducer } = await slot.router.pipeToRouter({ producerId: producer.id, router: this.room.router });
        if (!pipeProducer) throw new Error('pipeToRouter gave no producer');
        return pipeProducer;
      },
      release: () => {
        if (released) return;
        released = true;
        if (lostListener) slot.lost.delete(lostListener);
        if (role === 'console') return;
        void this.serial(() => {
          slot.viewers--;
          this.count(slot);
          // An empty fan-out router costs its pipes: close it; the next overflow opens one again.
          if (slot.role === 'fanout' && slot.viewers === 0) slot.router.close();
        });
      },
    };
  }

  /** Classrooms per router, origin first (tests, the bench and the registry's figures). */
  viewers(): { workerIndex: number; viewers: number; role: Slot['role'] }[] {
    return this.slots.map((s) => ({ workerIndex: s.worker.index, viewers: s.viewers, role: s.role }));
  }

  get isClosed() {
    return this.closed;
  }

  close() {
    this.closed = true;
    for (const slot of [...this.slots]) if (slot.role === 'fanout') slot.router.close();
    this.room.close();
  }
}
