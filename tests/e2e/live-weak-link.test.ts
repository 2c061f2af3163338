// A live lesson on an emulated village link (1.5 Mbit/s, 300 ms RTT, 3 % loss): the SFU in the hub namespace, the
// renderer in Chromium in the client namespace. Still decoding (on a lower simulcast layer), back by itself after a
// 10 s cut, and playing over ICE-TCP when the school's firewall drops UDP. Every wait is on a condition; frame rate,
// width after adaptation and recovery time are figures of bench/live.bench.ts.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUnavailableReason } from '../../hub/features/live/sfu/live-sfu.ts';
import { weakLinkSupported } from '../net/weak-link.ts';
import { enrollAndEnterLive, framesAdvance, readPlayer, waitDecodingResumed } from '../support/live-page.ts';
import { startLiveWeakRig, type LiveWeakRig } from '../support/live-weak-rig.ts';
import { waitFor } from '../support/ports.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
/** Keeps the link cut until `ms` after `cutAt`: the length of the outage is what the scenario is about. */
const outageLasts = (cutAt: number, ms: number) => new Promise((r) => setTimeout(r, Math.max(0, cutAt + ms - Date.now())));
const WEAK = { rateKbit: 1500, rttMs: 300, lossPct: 3 };
const skip = !weakLinkSupported() ? 'needs root and network namespaces' : liveUnavailableReason();

describe.skipIf(skip !== null)(`live lesson over a weak link${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let rig: LiveWeakRig;
  let page: Page;

  beforeAll(async () => {
    rig = await startLiveWeakRig(WEAK);
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('keeps decoding at 1.5 Mbit/s, 300 ms RTT, 3 % loss, on a lower simulcast layer', async () => {
    page = await rig.newPage();
    const clickedAt = await enrollAndEnterLive(page, 'DEMO-ZJ-1', 60_000);
    await waitFor(async () => ((await readPlayer(page)).framesDecoded > 0 ? true : undefined), 'first decoded frame', 60_000, 100);
    console.log(`live weak link: 进入直播 → first decoded frame ${Date.now() - clickedAt} ms`);
    // Conditions, not a stopwatch: it goes on decoding (video and audio) and the SFU serves a layer below the top
    // 640×360 one for this link. Frame rate and width after adaptation settles are figures of bench/live.bench.ts.
    const before = await readPlayer(page);
    const after = await waitFor(
      async () => {
        const r = await readPlayer(page);
        return r.framesDecoded >= before.framesDecoded + 50 && r.frameWidth > 0 && r.frameWidth < 640 && r.audioPackets > before.audioPackets ? r : undefined;
      },
      '50 more frames on a lower layer, with audio',
      90_000,
      200,
    );
    console.log(`live weak link: ${after.framesDecoded} frames, ${after.frameWidth} px wide, layer ${after.spatialLayer}, ${after.protocol}`);
    expect(after.phase).toBe('playing');
    await page.screenshot({ path: join(ARTIFACTS, 'live-weak-link.png') });
  }, 180_000);

  it('a short cut is shown while it lasts: what happened and for how long, before the socket or ICE notices', async () => {
    await framesAdvance(page, 5, 20_000);
    await rig.link.cut();
    try {
      // Still `playing` as far as signalling knows (ICE and the socket notice a cut only seconds later), yet the
      // screen says so with its seconds counting: issue #21, a short outage used to show nothing.
      const shown = await waitFor(
        async () => {
          const [text, phase] = await Promise.all([page.getByTestId('live-status').textContent().catch(() => null), page.getByTestId('live-player').getAttribute('data-phase')]);
          return text?.includes('直播信号中断') && text.includes('已中断') ? { text, phase } : undefined;
        },
        'the stall on screen',
        8_000,
        100,
      );
      expect(shown.phase).toBe('playing');
      await page.screenshot({ path: join(ARTIFACTS, 'live-stalled.png') });
    } finally {
      await rig.link.restore();
    }
    const frozen = (await readPlayer(page)).framesDecoded;
    await waitDecodingResumed(page, frozen, 60_000);
    await expect.poll(async () => page.getByTestId('live-status').filter({ hasText: '已中断' }).count(), { timeout: 10_000 }).toBe(0);
  }, 120_000);

  it('resumes decoding by itself after the link is cut for 10 s', async () => {
    await framesAdvance(page, 5, 20_000);
    await rig.link.cut();
    const cutAt = Date.now();
    await expect.poll(() => page.getByTestId('live-status').textContent(), { timeout: 9_000 }).toContain('与中心的连接中断');
    await page.screenshot({ path: join(ARTIFACTS, 'live-reconnecting.png') });
    await outageLasts(cutAt, 10_000); // the scenario: a 10 s outage (nothing is asserted on time)
    const frozen = (await readPlayer(page)).framesDecoded;
    await rig.link.restore();
    const resumedMs = await waitDecodingResumed(page, frozen, 90_000);
    console.log(`live weak link: decoding resumed ${resumedMs} ms after a 10 s cut ended`);
    await framesAdvance(page, 10, 20_000);
    await expect.poll(async () => (await readPlayer(page)).phase, { timeout: 30_000 }).toBe('playing');
  }, 180_000);

  it('plays over TCP when the classroom’s network drops UDP', async () => {
    await rig.link.shape({ lossPct: 0 });
    const nft = async (...args: string[]) => {
      const r = await rig.link.execInClient('nft', args);
      if (r.code !== 0) throw new Error(`nft ${args.join(' ')}: ${r.stderr}`);
    };
    await nft('add', 'table', 'inet', 'ykt_live');
    await nft('add', 'chain', 'inet', 'ykt_live', 'out', '{ type filter hook output priority 0 ; }');
    await nft('add', 'chain', 'inet', 'ykt_live', 'in', '{ type filter hook input priority 0 ; }');
    await nft('add', 'rule', 'inet', 'ykt_live', 'out', 'meta', 'l4proto', 'udp', 'drop');
    await nft('add', 'rule', 'inet', 'ykt_live', 'in', 'meta', 'l4proto', 'udp', 'drop');
    const tcpPage = await rig.newPage();
    await enrollAndEnterLive(tcpPage, 'DEMO-ZJ-2', 60_000);
    const reading = await framesAdvance(tcpPage, 25, 90_000);
    console.log(`live weak link, UDP blocked: ${reading.protocol}, ${reading.frameWidth} px, phase ${reading.phase}`);
    expect(reading.protocol).toBe('tcp');
    await expect.poll(async () => (await readPlayer(tcpPage)).audioPackets, { timeout: 10_000 }).toBeGreaterThan(20);
    await tcpPage.screenshot({ path: join(ARTIFACTS, 'live-tcp.png') });
  }, 180_000);
});
