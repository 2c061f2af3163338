// One mediasoup worker per core (a worker is one single-threaded process), each with its own WebRtcServer on its own
// port: HUB_RTC_PORT for worker 0, HUB_RTC_PORT + 1 for worker 1, … (the firewall opens the range). A worker that dies
// is replaced on the same port, so classrooms' firewall rules and a rejoin's candidates stay as they were; the pool
// says so (`died`, then `replaced`) and the SFU rebuilds what lived there.
import { EventEmitter } from 'node:events';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { WorkerLoad } from './sfu-placement.ts';

export type SfuWorker = {
  readonly index: number;
  readonly worker: ms.Worker;
  readonly webRtcServer: ms.WebRtcServer;
  /** UDP port of its WebRtcServer (and TCP: the same number unless the OS chose them, in tests). */
  readonly port: number;
  /** Live count, kept from mediasoup's observer events: every consumer on any of the worker's routers. */
  consumers: number;
  routers: number;
  alive: boolean;
};

export type WorkerPoolOptions = {
  count: number;
  /** Worker i listens on basePort + i; 0 lets the OS choose for each (tests). */
  basePort: number;
  listenInfos: (port: number) => ms.WebRtcServerListenInfo[];
  workerBin: string;
  logLevel?: ms.WorkerLogLevel;
  log: (line: string) => void;
  /** Pause before another attempt when a replacement cannot start (its port still held, the binary gone). */
  retryMs?: number;
};

export type PoolEvents = { died: [SfuWorker]; replaced: [SfuWorker] };

export class SfuWorkerPool extends EventEmitter<PoolEvents> {
  private readonly slots: SfuWorker[] = [];
  private closed = false;

  private constructor(private readonly options: WorkerPoolOptions) {
    super();
  }

  static async create(options: WorkerPoolOptions): Promise<SfuWorkerPool> {
    const pool = new SfuWorkerPool(options);
    try {
      for (let i = 0; i < options.count; i++) pool.slots.push(await pool.start(i));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  private portOf(index: number) {
    return this.options.basePort === 0 ? 0 : this.options.basePort + index;
  }

  private async start(index: number): Promise<SfuWorker> {
    const worker = await mediasoup.createWorker({ logLevel: this.options.logLevel ?? 'warn', workerBin: this.options.workerBin, appData: { index } });
    let webRtcServer: ms.WebRtcServer;
    let port: number;
    try {
      webRtcServer = await worker.createWebRtcServer({ listenInfos: this.options.listenInfos(this.portOf(index)) });
      // The port it really got (the OS picks one when asked for 0): what its viewers' ICE candidates carry.
      port = (await webRtcServer.dump()).udpSockets[0]?.port ?? this.portOf(index);
    } catch (error) {
      worker.close();
      throw error;
    }
    const slot: SfuWorker = { index, worker, webRtcServer, port, consumers: 0, routers: 0, alive: true };
    worker.observer.on('newrouter', (router) => {
      slot.routers++;
      router.observer.once('close', () => slot.routers--);
      router.observer.on('newtransport', (transport) =>
        transport.observer.on('newconsumer', (consumer) => {
          slot.consumers++;
          consumer.observer.once('close', () => slot.consumers--);
        }),
      );
    });
    worker.on('died', (error) => void this.onDied(slot, error));
    return slot;
  }

  private async onDied(slot: SfuWorker, error: Error) {
    slot.alive = false;
    this.options.log(`hub: SFU worker ${slot.index} (pid ${slot.worker.pid}) died: ${error.message}; starting a new one`);
    this.emit('died', slot);
    for (;;) {
      if (this.closed) return;
      try {
        const next = await this.start(slot.index);
        if (this.closed) {
          next.worker.close();
          return;
        }
        this.slots[slot.index] = next;
        this.options.log(`hub: SFU worker ${slot.index} replaced (pid ${next.worker.pid}, port ${next.port})`);
        this.emit('replaced', next);
        return;
      } catch (startError) {
        this.options.log(`hub: SFU worker ${slot.index} could not be replaced: ${String(startError)}; trying again`);
        await new Promise((r) => setTimeout(r, this.options.retryMs ?? 1_000));
      }
    }
  }

  get size() {
    return this.slots.length;
  }

  worker(index: number): SfuWorker {
    const slot = this.slots[index];
    if (!slot) throw new Error(`no SFU worker ${index}`);
    return slot;
  }

  workers(): readonly SfuWorker[] {
    return this.slots;
  }

  loads(): WorkerLoad[] {
    return this.slots.map((s) => ({ index: s.index, consumers: s.consumers, routers: s.routers, alive: s.alive && !s.worker.closed }));
  }

  close() {
    this.closed = true;
    for (const slot of this.slots) slot.worker.close();
  }
}
