// The school edge from the classroom's side, end to end: the real renderer in Debian's Chromium, a real county hub and
// a real school edge (in-process, real HTTP, real disks). IT sets the edge on 管理员 → 本校服务器 (a malformed address
// is refused by name and nothing is stored); the pack then comes through the edge (the county sent its bytes to the
// edge, none to the classroom directly) and the page says so; the edge stopped → the next download goes to the county
// hub by itself and the page says why.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRenderer } from '../../scripts/serve-renderer.ts';
import { EdgeStatus } from '../../src/shared/edge-protocol.ts';
import { RIG_ADMIN, startCounty, startEdgeFor, type County } from '../../hub/testing/edge-rig.ts';
import { ContentStats, TestPaths } from '../../hub/testing/test-routes.ts';
import { classroomContext, launchChromium } from '../support/browser.ts';
import { enrollInPage, TEST_IT_PIN } from '../support/enroll-page.ts';
import { storedSha256InPage } from '../support/content-page.ts';
import { freePort } from '../support/ports.ts';

let county: County;
let edge: Awaited<ReturnType<typeof startEdgeFor>>;
let renderer: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  county = await startCounty({ packBytes: 1_200_000 });
  edge = await startEdgeFor(county);
  renderer = await serveRenderer(await freePort());
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await renderer?.close();
  await edge?.close();
  await county?.close();
});

const directBytes = async () =>
  ContentStats.parse(await (await fetch(`${county.base}${TestPaths.contentStats}`, { headers: { authorization: `Bearer ${RIG_ADMIN}` } })).json()).bytesSent;
const edgeState = (page: Page) => page.getByTestId('edge-state').textContent();

describe('school edge on the 管理员 page, in Chromium', () => {
  it('takes the edge address, downloads through the edge, and falls back to the county hub when it stops', async () => {
    const page = await (await classroomContext(browser)).newPage();
    await page.goto(`${renderer.url}?hub=${encodeURIComponent(county.base)}`);
    await enrollInPage(page, 'DEMO-ZJ-1');
    await page.getByRole('button', { name: '管理员' }).click();
    await page.getByLabel('管理员密码').fill(TEST_IT_PIN);
    await page.getByRole('button', { name: '进入' }).click();
    await expect.poll(() => edgeState(page), { timeout: 20_000 }).toContain('未设置本校服务器');

    const address = page.getByLabel('本校服务器地址');
    await address.fill('ftp://edge.lan');
    await page.getByRole('button', { name: '保存地址' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('地址格式不正确');
    expect(await edgeState(page)).toContain('未设置本校服务器');

    // The pack of enrollment came straight from the county; the one the county publishes next comes through the edge.
    const first = county.pack.files[0] ?? expect.fail('pack has no file');
    await expect.poll(() => storedSha256InPage(page, first.sha256), { timeout: 60_000 }).toBe(first.sha256);
    await address.fill(edge.base);
    await page.getByRole('button', { name: '保存地址' }).click();
    await expect.poll(() => edgeState(page), { timeout: 20_000 }).toContain('正在从本校服务器下载');
    const before = { direct: await directBytes(), viaEdge: (await county.uplinkStats()).blobBytesSent };
    const file = (await county.addPack('pack-later', 900_000)).files[0] ?? expect.fail('pack has no file');
    await page.getByRole('button', { name: '立即下载' }).click();
    await expect.poll(() => storedSha256InPage(page, file.sha256), { timeout: 60_000 }).toBe(file.sha256);
    expect((await county.uplinkStats()).blobBytesSent - before.viaEdge).toBe(file.size);
    expect((await directBytes()) - before.direct).toBe(0);
    expect(EdgeStatus.parse(await edge.status()).classrooms.map((c) => c.classroomId)).toEqual(['cls-zj-7-1']);

    await edge.stop();
    await page.getByRole('button', { name: '立即下载' }).click();
    await expect.poll(() => edgeState(page), { timeout: 20_000 }).toContain('本校服务器无法连接');
    await edge.restart();
  });
});
