// Simulated classrooms for the SFU's scale figures: each one is what a classroom costs the SFU — a transport, a
// consumer of the camera (lowest simulcast layer, the one a village link keeps) and one of the audio — without a
// browser to decode it. They are mediasoup PlainTransports sending RTP to a loopback port nobody reads (the kernel
// drops it: the figure is the SFU's forwarding, not a receiver's). Placed by the hub's own placement (`sfu.place`), so with
// a limit of one per router they alternate between the origin worker and its fan-out copy on the other worker.
// `npm run load` can call measureSfuScale too (it is bounded in viewers, memory and time).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import type { types as ms } from 'mediasoup';
import { startDemoBroadcast } from '../hub/features/live/broadcast/demo-live.ts';
import { createLiveSfu } from '../hub/features/live/sfu/live-sfu.ts';

type Viewer = { transport: ms.PlainTransport; consumers: ms.Consumer[]; release(): void };

export type SfuScaleOptions = {
  /** Viewer counts tried in turn; the largest one the SFU keeps fed is the figure. */
  steps?: number[];
  /** Seconds each step is measured over (after a settling second). */
  windowS?: number;
  /** The whole measurement stops after this long, whatever step it reached. */
  budgetMs?: number;
  /** Worker memory (sum of ru_maxrss) beyond which no larger step is tried. */
  maxWorkerMemoryMb?: number;
  log?: (line: string) => void;
};

export type SfuScaleFigures = {
  viewers: number;
  cpuPerViewerPct: number | null;
  cpuPct: number | null;
  packetsPerViewerPerS: number | null;
  /** Worker CPU per packet sent to a classroom: comparable across runs even when a starved ffmpeg sends less. */
  cpuUsPerPacket: number | null;
  workerMemoryMb: number;
  loadAvg1m: number;
};

/**
 * A UDP port that is bound but never read, in a child process: the kernel drops what overflows its buffer at once.
 * (Sending to a closed port made the kernel answer every packet with ICMP: tens of thousands a second of work that is
 * not the SFU's.) The child ends when its stdin closes, i.e. with this process.
 */
async function sinkPort(): Promise<{ port: number; close(): void }> {
  const script = 'import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.setsockopt(socket.SOL_SOCKET,socket.SO_RCVBUF,4096)\ns.bind(("127.0.0.1",0))\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()';
  const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  // Without python3 the bench stops and says so (a closed port instead would cost the kernel an ICMP per packet).
  const spawnFailed = once(child, 'error').then(([error]) => `no python3 (${String(error)})`);
  const said = await Promise.race([once(child.stdout, 'data').then(([data]) => (data as Buffer).toString()), spawnFailed]);
  if (said.startsWith('no python3')) throw new Error(`the UDP sink needs python3: ${said}`);
  const line = said;
  const port = Number(line.trim());
  if (!Number.isInteger(port) || port <= 0) throw new Error(`the UDP sink said ${line}`);
  return { port, close: () => child.kill('SIGKILL') };
}

const cpuMs = async (workers: ms.Worker[]) => {
  const usage = await Promise.all(workers.map((w) => w.getResourceUsage()));
  return { cpu: usage.reduce((sum, u) => sum + u.ru_utime + u.ru_stime, 0), maxrssKb: usage.reduce((sum, u) => sum + u.ru_maxrss, 0) };
};

const packetsSent = async (viewers: Viewer[]) => {
  const stats = await Promise.all(viewers.flatMap((v) => v.consumers.map((c) => c.getStats())));
  return stats.flat().reduce((sum, s) => sum + (s.type === 'outbound-rtp' ? s.packetCount : 0), 0);
};

/** What the broadcast brought in: the lowest camera layer (the one the viewers take) and the audio. */
const packetsIn = async (producers: ms.Producer[]) => {
  let sum = 0;
  for (const producer of producers) {
    const ssrc = producer.rtpParameters.encodings?.[0]?.ssrc;
    sum += (await producer.getStats()).find((s) => s.ssrc === ssrc)?.packetCount ?? 0;
  }
  return sum;
};

export async function measureSfuScale(options: SfuScaleOptions = {}): Promise<SfuScaleFigures> {
  const { steps = [50, 200, 500, 750, 1000], windowS = 5, budgetMs = 75_000, maxWorkerMemoryMb = 1500, log = () => undefined } = options;
  const started = Date.now();
  const lessonId = 'les-bench-scale';
  const sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', workers: 2, viewersPerRouter: 1, logLevel: 'error', log });
  const broadcast = await startDemoBroadcast(sfu, { lessonId, log });
  const viewers: Viewer[] = [];
  const sink = await sinkPort();
  let best: SfuScaleFigures = { viewers: 0, cpuPerViewerPct: null, cpuPct: null, packetsPerViewerPerS: null, cpuUsPerPacket: null, workerMemoryMb: 0, loadAvg1m: loadavg()[0] ?? 0 };
  try {
    const room = await sfu.room(lessonId);
    const deadline = Date.now() + 30_000;
    while (room.producers().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const addViewer = async (): Promise<Viewer> => {
      const { place } = await sfu.place(lessonId, 'viewer');
      const transport = await place.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
      await transport.connect({ ip: '127.0.0.1', port: sink.port });
      const consumers: ms.Consumer[] = [];
      for (const producer of await place.producers()) {
        const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: sfu.routerRtpCapabilities });
        if (consumer.type === 'simulcast') await consumer.setPreferredLayers({ spatialLayer: 0 });
        consumers.push(consumer);
      }
      return { transport, consumers, release: () => place.release() };
    };
    for (const step of steps) {
      if (Date.now() - started > budgetMs) break;
      // Joined in batches (as classrooms arrive at the start of a lesson), within the time budget.
      const addStarted = Date.now();
      while (viewers.length < step && Date.now() - started < budgetMs) {
        viewers.push(...(await Promise.all(Array.from({ length: Math.min(25, step - viewers.length) }, addViewer))));
      }
      if (viewers.length < step) {
        log(`sfu scale: out of time while joining ${step} viewers (${viewers.length} joined)`);
        break;
      }
      log(`sfu scale: ${step} viewers joined (the last ${step - best.viewers} in ${Date.now() - addStarted} ms)`);
      await new Promise((r) => setTimeout(r, 1_000)); // new consumers wait for a keyframe before they send
      const workers = sfu.pool.workers().map((w) => w.worker);
      const producers = room.producers();
      const [cpu0, in0, sent0, t0] = [await cpuMs(workers), await packetsIn(producers), await packetsSent(viewers), Date.now()];
      await new Promise((r) => setTimeout(r, windowS * 1000));
      const [cpu1, in1, sent1, t1] = [await cpuMs(workers), await packetsIn(producers), await packetsSent(viewers), Date.now()];
      const seconds = (t1 - t0) / 1000;
      const perViewer = (sent1 - sent0) / seconds / step;
      const source = (in1 - in0) / seconds;
      const cpuPct = ((cpu1.cpu - cpu0.cpu) / (t1 - t0)) * 100;
      const memoryMb = Math.round(cpu1.maxrssKb / 1024);
      // Fed = each classroom got ≥ 90 % of what the broadcast brought in over the same seconds (a starved ffmpeg on a
      // busy machine sends less: that is not the SFU's doing).
      const fed = source > 0 && perViewer >= 0.9 * source;
      log(`sfu scale: ${step} viewers on ${JSON.stringify(sfu.lessonViewers(lessonId)?.map((r) => r.viewers))}: ${perViewer.toFixed(1)} of ${source.toFixed(1)} pkt/s each (${fed ? 'fed' : 'NOT fed'}), workers ${cpuPct.toFixed(0)} % CPU, ${memoryMb} MB, load ${loadavg()[0]?.toFixed(2)}`);
      if (!fed) break;
      const cpuUsPerPacket = sent1 > sent0 ? ((cpu1.cpu - cpu0.cpu) * 1000) / (sent1 - sent0) : null;
      best = { viewers: step, cpuPerViewerPct: cpuPct / step, cpuPct, packetsPerViewerPerS: perViewer, cpuUsPerPacket, workerMemoryMb: memoryMb, loadAvg1m: loadavg()[0] ?? 0 };
      if (memoryMb > maxWorkerMemoryMb) break;
    }
    return best;
  } finally {
    for (const v of viewers) {
      v.transport.close();
      v.release();
    }
    await broadcast.stop();
    sfu.close();
    sink.close();
  }
}
