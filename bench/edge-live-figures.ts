// Live through the school edge on the weak-link harness (tests/support/edge-live-rig.ts: 4 Mbit/s, 300 ms, 1 % uplink;
// edge and two Chromium classrooms on the LAN):
// - edge.liveUplinkRatio2Classrooms: RTP bytes the county sent to the school per byte the broadcaster sent (over ~10 s of
//   its output, on one forwarded layer throughout) with both classrooms watching, divided by the same with classroom 1
//   alone (1.0 = the second costs nothing);
// - edge.failoverMs: the edge SIGKILLed → both classrooms decoding new frames again (from the county hub), the slower one.
import type { Page } from 'playwright-core';
import { EDGE_BOARD as BOARD, startEdgeLiveRig, uplinkBytesOver as bytesOver } from '../tests/support/edge-live-rig.ts';
import { framesAdvance, readPlayer } from '../tests/support/live-page.ts';
import { waitFor } from '../tests/support/ports.ts';

const playing = (page: Page) => waitFor(async () => ((await readPlayer(page)).framesDecoded > 0 ? true : undefined), 'playing', 90_000, 100);

/** Milliseconds until the page plays again: phase playing and a decoded-frame count other than the frozen one. */
async function playsAgainAfter(page: Page, frozen: number, since: number) {
  await waitFor(
    async () => {
      const r = await readPlayer(page);
      // A new stream from the county counts its frames from 0: any count other than the frozen one is new video.
      return r.phase === 'playing' && r.framesDecoded > 0 && r.framesDecoded !== frozen ? true : undefined;
    },
    'playing again',
    60_000,
    50,
  );
  return Date.now() - since;
}

export async function edgeLiveFigures(): Promise<Record<string, number | null>> {
  const rig = await startEdgeLiveRig({ rateKbit: 4000, rttMs: 300, lossPct: 1 });
  try {
    const a = await rig.classroom('DEMO-ZJ-1', BOARD);
    await playing(a);
    await framesAdvance(a, 250, 60_000);
    const one = await bytesOver(rig);
    const b = await rig.classroom('DEMO-ZJ-2', BOARD);
    await playing(b);
    await framesAdvance(b, 250, 60_000);
    const two = await bytesOver(rig, one.layers);

    const frozen = [(await readPlayer(a)).framesDecoded, (await readPlayer(b)).framesDecoded] as const;
    const killedAt = Date.now();
    await rig.killEdge();
    const failover = await Promise.all([playsAgainAfter(a, frozen[0], killedAt), playsAgainAfter(b, frozen[1], killedAt)]);
    return {
      'edge.liveUplinkRatio2Classrooms': one.perSource > 0 ? Math.round((two.perSource / one.perSource) * 1000) / 1000 : null,
      'edge.failoverMs': Math.max(...failover),
    };
  } finally {
    await rig.close();
  }
}
