// Live through the school edge on the weak-link harness (4 Mbit/s, 300 ms, 1 % loss uplink; edge and two classrooms in
// Chromium on the LAN behind it): both classrooms play from the edge, and the county sends about one stream's bytes
// whether one or both watch; the edge killed mid-lesson → both play again from the county without a click; edge back →
// they return to it. Bytes are compared over the same number of decoded frames (not a stopwatch); the fail-over time
// and the ratio are figures of bench/edge.bench.ts.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUnavailableReason } from '../../hub/features/live/sfu/live-sfu.ts';
import { weakLinkSupported } from '../net/weak-link.ts';
import { EDGE_BOARD as BOARD, startEdgeLiveRig, uplinkBytesOver, type EdgeLiveRig } from '../support/edge-live-rig.ts';
import { framesAdvance, readPlayer, waitPlayingAgain } from '../support/live-page.ts';
import { waitFor } from '../support/ports.ts';

const skip = !weakLinkSupported() ? 'needs root and network namespaces' : liveUnavailableReason();
const playing = (page: Page, what: string) => waitFor(async () => ((await readPlayer(page)).framesDecoded > 0 ? true : undefined), what, 90_000, 100);

describe.skipIf(skip !== null)(`live through the school edge on a village uplink${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let rig: EdgeLiveRig;
  let a: Page;
  let b: Page;

  beforeAll(async () => {
    rig = await startEdgeLiveRig({ rateKbit: 4000, rttMs: 300, lossPct: 1 });
  }, 180_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('two classrooms behind the edge cost about one stream on the uplink', async () => {
    a = await rig.classroom('DEMO-ZJ-1', BOARD);
    await playing(a, 'classroom 1 plays');
    expect((await rig.feeds()).feeds).toHaveLength(1);
    await framesAdvance(a, 250, 60_000); // the climb to the window's layer settles first
    const one = await uplinkBytesOver(rig);
    b = await rig.classroom('DEMO-ZJ-2', BOARD);
    await playing(b, 'classroom 2 plays');
    await framesAdvance(b, 250, 60_000);
    const two = await uplinkBytesOver(rig, one.layers);
    const feeds = (await rig.feeds()).feeds;
    expect(feeds).toHaveLength(1); // one feed, one consumer per source, for the school
    console.log(`edge live: uplink per source byte ${one.perSource.toFixed(3)} → ${two.perSource.toFixed(3)} (layers ${one.layers})`);
    // One copy for the school is 1.0, a second copy ~2.0. Measured 2026-12-06: 1.10 alone, 1.29 inside a full CI run;
    // 1.57 once, when the window's layer was only compared at its ends (now every sample: uplinkBytesOver).
    expect(two.perSource / one.perSource).toBeLessThan(1.5);
  });

  it('edge killed → both play again from the county without a click; edge back → they return to it', async () => {
    const frozen = [(await readPlayer(a)).framesDecoded, (await readPlayer(b)).framesDecoded] as const;
    const oldFeeds = new Set((await rig.feeds()).feeds.map((f) => f.feedId));
    await rig.killEdge();
    await Promise.all([waitPlayingAgain(a, frozen[0], 60_000), waitPlayingAgain(b, frozen[1], 60_000)]);
    const atCounty = [(await readPlayer(a)).framesDecoded, (await readPlayer(b)).framesDecoded] as const;
    await rig.startEdge();
    // The route's own probe finds the edge within seconds; the classrooms move there (a new feed at the county).
    await waitFor(async () => ((await rig.feeds()).feeds.some((f) => !oldFeeds.has(f.feedId) && f.rtpBytesSent > 0) ? true : undefined), 'a new feed to the edge', 60_000, 500);
    await Promise.all([waitPlayingAgain(a, atCounty[0], 60_000), waitPlayingAgain(b, atCounty[1], 60_000)]);
  });
});
