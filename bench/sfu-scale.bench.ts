// One live lesson on two SFU workers (the origin where the ffmpeg broadcast arrives, and its pipeToRouter copy):
// - scale.viewersPerLesson2Workers: simulated classrooms (bench/sfu-viewers.ts) the two workers keep fed, tried at
//   50, 200, 500, 750 and 1 000 within ~75 s of joining and measuring and 1.5 GB of worker memory;
// - scale.sfuCpuPerViewerPct: the workers' CPU (getResourceUsage: ru_utime + ru_stime over 5 s) per classroom at that
//   count, in % of one core; it follows the packets the broadcast sends (a starved ffmpeg sends fewer), so
//   scale.sfuCpuUsPerPacket (worker CPU per packet sent) is the comparable one; scale.sfuLoadAvg1m says how busy the
//   (shared) machine was while it was measured.
import { liveUnavailableReason } from '../hub/features/live/sfu/live-sfu.ts';
import { measureSfuScale } from './sfu-viewers.ts';

export async function run(): Promise<Record<string, number | null>> {
  const unavailable = liveUnavailableReason();
  if (unavailable) throw new Error(`SFU scale figures need the SFU worker: ${unavailable}`);
  const figures = await measureSfuScale({ log: (line) => console.error(line) });
  const round = (x: number | null, places: number) => (x === null ? null : Math.round(x * 10 ** places) / 10 ** places);
  return {
    'scale.viewersPerLesson2Workers': figures.viewers,
    'scale.sfuCpuPerViewerPct': round(figures.cpuPerViewerPct, 3),
    'scale.sfuCpuPct': round(figures.cpuPct, 0),
    'scale.sfuPacketsPerViewerPerS': round(figures.packetsPerViewerPerS, 1),
    'scale.sfuCpuUsPerPacket': round(figures.cpuUsPerPacket, 2),
    'scale.sfuWorkerMemoryMb': figures.workerMemoryMb,
    'scale.sfuLoadAvg1m': round(figures.loadAvg1m, 2),
  };
}
