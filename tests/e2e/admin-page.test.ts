// The IT page end to end: the real renderer in Debian's Chromium against the real hub. The IT PIN set at enrollment opens it; run the network
// test (RTT + throughput probe on the real hub), export diagnostics and check the zip holds no student names and no
// device token; a wrong PIN is refused on the next visit.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classroomContext } from '../support/browser.ts';
import type { HubProcess } from '../support/hub-process.ts';
import { startLoopbackSystem, type LoopbackSystem } from '../support/loopback-system.ts';
import { enrollInPage, TEST_IT_PIN } from '../support/enroll-page.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
let hub: HubProcess;
let renderer: { url: string; close(): Promise<void> };
let browser: Browser;

let system: LoopbackSystem;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  system = await startLoopbackSystem('ykt-e2e-admin-', 'e2e-admin-token-0123456789abcdef');
  ({ hub, renderer, browser } = system);
});
afterAll(() => system?.close());

/** The roster as the renderer stored it (real IndexedDB), to check what the export must not contain. */
function rosterNames(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('ykt-classroom');
        open.onerror = () => reject(new Error('cannot open IndexedDB'));
        open.onsuccess = () => {
          const all = open.result.transaction('students').objectStore('students').getAll();
          all.onsuccess = () => resolve((all.result as Array<{ name: string }>).map((s) => s.name));
          all.onerror = () => reject(new Error('cannot read students'));
        };
      }),
  );
}

describe('IT page (管理员) in Chromium against the real hub', () => {
  it('opens with the IT PIN, measures the network and exports diagnostics without student names', async () => {
    const context = await classroomContext(browser);
    const page = await context.newPage();
    await page.goto(`${renderer.url}?hub=${encodeURIComponent(hub.url)}`);
    await enrollInPage(page, 'DEMO-ZJ-1');
    await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 20_000 }).toContain('已同步');
    await expect.poll(() => rosterNames(page).then((n) => n.length), { timeout: 20_000 }).toBeGreaterThan(10);
    const names = await rosterNames(page);

    // An error mentioning a pupil lands in the local log: the export must replace the name by the id.
    await page.evaluate((name) => setTimeout(() => {
      throw new Error(`考勤保存失败：${name}`);
    }), names[0] ?? '');
    await expect.poll(() => page.evaluate(() => localStorage.getItem('ykt.log') ?? '')).toContain('考勤保存失败');

    // The PIN was set by whoever enrolled the PC (enrollInPage); the page asks for it, it never offers to set one.
    await page.getByRole('button', { name: '管理员' }).click();
    expect(await page.getByLabel('再次输入密码').count()).toBe(0);
    await page.getByLabel('管理员密码').fill(TEST_IT_PIN);
    await page.getByRole('button', { name: '进入' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '管理员（学校信息管理员）' }).count()).toBe(1);

    await page.getByRole('button', { name: '开始网络测试' }).click();
    const result = page.getByTestId('network-result');
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/往返时延 \d+ 毫秒/);
    expect(await result.textContent()).toMatch(/下载速度 \d+\.\d\d Mbit\/s/);
    // Sizes as Windows shows them (shared/format-bytes.ts): the 8 MiB probe is 8.0 MB, a ~70 KB preview pack is KB, not
    // "0.1 MB" (the content screens divided by 10^6 before).
    expect(await result.textContent()).toContain('（测试 8.0 MB）');
    await expect.poll(() => page.getByTestId('admin-pack').filter({ hasText: '预习包' }).first().textContent()).toMatch(/\d+ KB/);
    await expect.poll(() => page.getByTestId('update-phase').textContent()).toContain('浏览器版');
    await page.screenshot({ path: join(ARTIFACTS, 'admin-page.png'), fullPage: true });

    // Full screen for class through the same DesktopApi call Electron implements with BrowserWindow.
    await page.getByRole('button', { name: '全屏', exact: true }).click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
    await page.getByRole('button', { name: '退出全屏' }).click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(false);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出诊断' }).click()]);
    const deviceId = await page.getByTestId('device-id').textContent();
    expect(download.suggestedFilename()).toMatch(new RegExp(`^ykt-diagnostics-${deviceId ?? 'x'}-\\d{12}\\.zip$`));
    const files = unzipSync(new Uint8Array(await readFile((await download.path()) ?? '')));
    expect(Object.keys(files).sort()).toEqual(['README.txt', 'app.log', 'diagnostics.json']);
    const text = Object.values(files).map((f) => strFromU8(f)).join('\n');
    for (const name of names) expect(text, `student name ${name} leaked`).not.toContain(name);
    const token = await page.evaluate(() => (JSON.parse(localStorage.getItem('ykt.identity') ?? '{}') as { token?: string }).token ?? '');
    expect(token.length).toBeGreaterThan(30);
    expect(text).not.toContain(token);
    expect(text).toContain('[student:');
    const summary = JSON.parse(strFromU8(files['diagnostics.json'] ?? new Uint8Array())) as { device: { deviceId: string }; network: { rttMs: number } | null };
    expect(summary.device.deviceId).toBe(deviceId);
    expect(summary.network?.rttMs).toBeGreaterThanOrEqual(0);

    // Next visit: the PIN is asked for, a wrong one is refused.
    await page.reload();
    await page.getByRole('button', { name: '管理员' }).click();
    await page.getByLabel('管理员密码').fill('1111');
    await page.getByRole('button', { name: '进入' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('密码不正确');
    await page.getByLabel('管理员密码').fill(TEST_IT_PIN);
    await page.getByRole('button', { name: '进入' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '管理员（学校信息管理员）' }).count()).toBe(1);

    // A PC enrolled without a PIN (an older version) is not handed to whoever opens the page first.
    await page.evaluate(() => localStorage.removeItem('ykt.itPin'));
    await page.reload();
    await page.getByRole('button', { name: '管理员' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('重新注册本机');
    expect(await page.getByLabel('管理员密码').count()).toBe(0);
    await context.close();
  });
});
