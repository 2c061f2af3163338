// Foundation end to end: the real renderer in Debian's Chromium (real IndexedDB) against the real hub (real SQLite,
// real HTTP). Enroll → timetable → hub gone → reload → timetable from IndexedDB with offline status → hub back →
// "已同步" without user action. Plus the bad-input cases: wrong code, malformed hub data, revoked device.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classroomContext } from '../support/browser.ts';
import type { HubProcess } from '../support/hub-process.ts';
import { startLoopbackSystem, type LoopbackSystem } from '../support/loopback-system.ts';
import { startSwitchableProxy } from '../support/switchable-proxy.ts';
import { enrollInPage } from '../support/enroll-page.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const DEMO_CODES = ['DEMO-ZJ-1', 'DEMO-ZJ-2'];

let hub: HubProcess;
let renderer: { url: string; close(): Promise<void> };
let browser: Browser;

let system: LoopbackSystem;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  system = await startLoopbackSystem('ykt-e2e-', 'e2e-admin-token-0123456789abcdef');
  ({ hub, renderer, browser } = system);
});
afterAll(() => system?.close());

async function openApp(hubUrl: string): Promise<Page> {
  const context = await classroomContext(browser);
  const page = await context.newPage();
  await page.goto(`${renderer.url}?hub=${encodeURIComponent(hubUrl)}`);
  return page;
}

async function enroll(page: Page, code: string) {
  await enrollInPage(page, code);
}

const status = (page: Page) => page.getByTestId('sync-status');

async function showWeek(page: Page) {
  await page.getByRole('tab', { name: '本周课表' }).click();
  await expect.poll(() => page.locator('.week-cell').count(), { timeout: 15_000 }).toBeGreaterThan(10);
}

describe('enroll and timetable in Chromium against the real hub', () => {
  it('refuses a wrong enrollment code with a clear zh-CN message', async () => {
    const page = await openApp(hub.url);
    await enroll(page, 'WRONG-0000');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('注册码不正确');
    await page.context().close();
  });

  it('shows the timetable from IndexedDB while the hub is down and returns to 已同步 by itself', async () => {
    const page = await openApp(hub.url);
    await enroll(page, DEMO_CODES[0] ?? '');
    await expect.poll(() => status(page).textContent(), { timeout: 20_000 }).toContain('已同步');
    await showWeek(page);
    const cellsOnline = await page.locator('.week-cell').count();
    await page.screenshot({ path: join(ARTIFACTS, 'timetable-week-online.png') });

    await hub.stop();
    await page.reload();
    await showWeek(page);
    expect(await page.locator('.week-cell').count()).toBe(cellsOnline);
    await expect.poll(() => status(page).textContent(), { timeout: 20_000 }).toMatch(/离线 · 上次同步 \d\d:\d\d/);
    await page.screenshot({ path: join(ARTIFACTS, 'timetable-week-offline.png') });

    await hub.start();
    // No click: the loop's backoff retry must find the hub again on its own.
    await expect.poll(() => status(page).textContent(), { timeout: 60_000, interval: 500 }).toContain('已同步');
    await page.getByRole('tab', { name: '今日课表' }).click();
    await page.screenshot({ path: join(ARTIFACTS, 'timetable-today.png') });
    await page.context().close();
  });

  it('keeps cached data when the hub answers with malformed data, and recovers', async () => {
    const proxy = await startSwitchableProxy(hub.url);
    try {
      const page = await openApp(proxy.url);
      await enroll(page, DEMO_CODES[1] ?? '');
      await showWeek(page);
      const cells = await page.locator('.week-cell').count();
      proxy.setMode('malformed');
      await page.reload();
      await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 20_000 }).toContain('无法识别');
      await showWeek(page);
      expect(await page.locator('.week-cell').count()).toBe(cells);
      await page.screenshot({ path: join(ARTIFACTS, 'timetable-malformed.png') });
      proxy.setMode('pass');
      await status(page).click();
      await expect.poll(() => status(page).textContent(), { timeout: 20_000 }).toContain('已同步');
      await page.context().close();
    } finally {
      await proxy.close();
    }
  });

  it('tells a revoked device plainly, offers re-enrollment and keeps the cached timetable', async () => {
    const codeResponse = await fetch(`${hub.url}/v1/admin/enrollment-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hub.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ classroomId: await firstClassroomId(), ttlMinutes: 10 }),
    });
    expect(codeResponse.ok).toBe(true);
    const { code } = (await codeResponse.json()) as { code: string };
    const page = await openApp(hub.url);
    await enroll(page, code);
    await showWeek(page);
    const cells = await page.locator('.week-cell').count();
    const deviceId = await page.evaluate(() => (JSON.parse(localStorage.getItem('ykt.identity') ?? '{}') as { deviceId?: string }).deviceId);
    const revoke = await fetch(`${hub.url}/v1/admin/devices/${deviceId ?? ''}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${hub.adminToken}` } });
    expect(revoke.ok).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 20_000 }).toContain('停用');
    await expect.poll(() => page.getByRole('button', { name: '重新注册' }).count()).toBe(1);
    await showWeek(page);
    expect(await page.locator('.week-cell').count()).toBe(cells);
    await page.screenshot({ path: join(ARTIFACTS, 'timetable-revoked.png') });
    await page.context().close();
  });
});

/** The demo seed's classrooms are discoverable through enrollment: enroll a throwaway device and read its classroom. */
async function firstClassroomId(): Promise<string> {
  const res = await fetch(`${hub.url}/v1/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: DEMO_CODES[0], deviceName: 'probe' }),
  });
  const body = (await res.json()) as { classroom: { id: string } };
  return body.classroom.id;
}
