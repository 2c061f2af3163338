// School edge figures on the weak-link harness (4 Mbit/s, 300 ms, 1 % loss uplink; classrooms and edge on the LAN):
// - edge.packUplinkRatio2Classrooms: content bytes the county hub sent (to the edge and to classrooms directly) while
//   two classrooms each downloaded the pack, divided by the pack's size (1.0 = it crossed the uplink once);
// - edge.lanGoodputMBps: a third classroom downloading the same pack from the warm edge cache (first chunk to last),
//   through the real renderer download manager (hashing every chunk into fake-indexeddb under Node), MB/s.
// - edge.liveUplinkRatio2Classrooms, edge.failoverMs: live through the edge (edge-live-figures.ts).
import { liveUnavailableReason } from '../hub/features/live/sfu/live-sfu.ts';
import { edgeLiveFigures } from './edge-live-figures.ts';
import { startEdgeWeakRig, type Classroom } from '../tests/support/edge-weak-rig.ts';
import { waitFor } from '../tests/support/ports.ts';
import { weakLinkSupported } from '../tests/net/weak-link.ts';

const PACK_BYTES = Number(process.env.BENCH_EDGE_PACK_BYTES ?? 6_000_000);
const complete = (c: Classroom, what: string) => waitFor(() => Promise.resolve((c.last()?.complete ?? 0) >= 1 ? c.last() : undefined), what, 180_000, 100);

export async function run(): Promise<Record<string, number | null>> {
  const noLive = { 'edge.liveUplinkRatio2Classrooms': null, 'edge.failoverMs': null };
  if (!weakLinkSupported()) return { 'edge.packUplinkRatio2Classrooms': null, 'edge.lanGoodputMBps': null, ...noLive };
  const content = await contentFigures();
  if (liveUnavailableReason() !== null) return { ...content, ...noLive };
  // A failed live run keeps the content figures (and says why live has none).
  const live = await edgeLiveFigures().catch((error: unknown) => {
    console.error('bench edge (live):', error);
    return noLive;
  });
  return { ...content, ...live };
}

async function contentFigures(): Promise<Record<string, number | null>> {
  const rig = await startEdgeWeakRig({ rateKbit: 4000, rttMs: 300, lossPct: 1 }, PACK_BYTES);
  try {
    const before = await rig.countyBytes();
    const pair = [rig.classroom(rig.county.tokens.zj1), rig.classroom(rig.county.tokens.zj2)];
    await Promise.all(pair.map((c, i) => complete(c, `classroom ${i + 1}`)));
    const after = await rig.countyBytes();
    pair.forEach((c) => c.stop());
    const uplink = after.viaEdge - before.viaEdge + (after.direct - before.direct);

    const third = rig.classroom(rig.county.tokens.zj1, { statusEveryMs: 25 });
    const done = await complete(third, 'classroom from the warm edge');
    const firstChunk = third.lines.find((l) => l.chunks > 0)?.ms ?? 0;
    third.stop();
    const seconds = Math.max(0.001, (done.ms - firstChunk) / 1000);
    return {
      'edge.packUplinkRatio2Classrooms': Math.round((uplink / rig.county.size) * 1000) / 1000,
      'edge.lanGoodputMBps': Math.round((rig.county.size / 1_000_000 / seconds) * 10) / 10,
    };
  } finally {
    await rig.close();
  }
}
