// A live lesson on an emulated village link (1.5 Mbit/s, 300 ms RTT, 3 % loss): the SFU in the hub namespace, the
// renderer in Chromium in the client namespace. Still decoding (on a lower simulcast layer), back by itself after a
// 10 s cut, and playing over ICE-TCP when the school's firewall drops UDP.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUnavailableReason } from '../../hub/live/live-sfu.ts';
import { weakLinkSupported } from '../net/weak-link.ts';
import { enrollAndEnterLive, framesAdvance, readPlayer, waitDecodingResumed } from '../support/live-page.ts';
import { startLiveWeakRig, type LiveWeakRig } from '../support/live-weak-rig.ts';
import { waitFor } from '../support/ports.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
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
    // Past the point where adaptation would have climbed (20 s of smooth play) and stepped back down, watch 10 s.
    await new Promise((r) => setTimeout(r, 25_000));
    const before = await readPlayer(page);
    await new Promise((r) => setTimeout(r, 10_000));
    const after = await readPlayer(page);
    const fps = (after.framesDecoded - before.framesDecoded) / 10;
    console.log(`live weak link: ${fps} decoded fps, ${after.frameWidth} px wide, layer ${after.spatialLayer}, ${after.protocol}`);
    expect(after.phase).toBe('playing');
    expect(fps).toBeGreaterThan(5);
    expect(after.frameWidth).toBeLessThan(640); // not the top 640×360 layer: the SFU chose a lower one for this link
    expect(after.audioPackets).toBeGreaterThan(before.audioPackets);
    await page.screenshot({ path: join(ARTIFACTS, 'live-weak-link.png') });
  }, 180_000);

  it('resumes decoding by itself after the link is cut for 10 s', async () => {
    await framesAdvance(page, 5, 20_000);
    await rig.link.cut();
    const cutAt = Date.now();
    await expect.poll(() => page.getByTestId('live-status').textContent(), { timeout: 9_000 }).toContain('与中心的连接中断');
    await page.screenshot({ path: join(ARTIFACTS, 'live-reconnecting.png') });
    await new Promise((r) => setTimeout(r, cutAt + 10_000 - Date.now()));
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
