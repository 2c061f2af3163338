// Data safety across an update, end to end in Debian's Chromium (real IndexedDB) against the real hub: records taken
// offline are backed up, the IndexedDB database is then lost (as an Electron update can do), and on the next start the
// app restores them from the backup — they still upload and reach the lead school's report.
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
let hub: HubProcess;
let renderer: { url: string; close(): Promise<void> };
let browser: Browser;

let system: LoopbackSystem;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  system = await startLoopbackSystem('ykt-backup-', 'backup-admin-token-0123456789');
  ({ hub, renderer, browser } = system);
});
afterAll(() => system?.close());

type Hooks = { yktTest: { db: { delete(): Promise<void>; outbox: { count(): Promise<number> } }; shellServices: { backupNow(): Promise<void> } } };
const hooks = (page: Page) => page.evaluate(() => Boolean((window as unknown as Partial<Hooks>).yktTest));

describe('records survive the loss of IndexedDB (backup in the user-data folder, restore at start)', () => {
  it('restores the outbox after the database is deleted, and the records still reach the hub', async () => {
    const proxy = await startSwitchableProxy(hub.url);
    try {
      const page = await (await classroomContext(browser)).newPage();
      await page.goto(`${renderer.url}?test-hooks&hub=${encodeURIComponent(proxy.url)}`);
      await enrollInPage(page, 'DEMO-ZJ-1');
      await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 20_000 }).toContain('已同步');
      expect(await hooks(page)).toBe(true);

      proxy.setMode('down');
      await page.getByRole('tab', { name: '本周课表' }).click();
      await page.locator('.week-cell', { hasText: '数学' }).first().click();
      await expect.poll(() => page.getByTestId('student').count()).toBe(42);
      await page.getByTestId('student').nth(0).click(); // 缺勤
      await page.getByRole('button', { name: /确认考勤/ }).click();
      await expect.poll(() => page.getByTestId('attendance-totals').textContent()).toContain('缺勤 1');
      const outboxCount = () => page.evaluate(() => (window as unknown as Hooks).yktTest.db.outbox.count());
      // One op per pupil (1 absent, 41 confirmed present), written one by one: wait for all 42 and the badge.
      await expect.poll(outboxCount, { timeout: 30_000 }).toBe(42);
      await expect.poll(() => page.getByTestId('sync-waiting').textContent(), { timeout: 30_000 }).toBe('待上传 42');
      const before = await outboxCount();
      const waiting = `待上传 ${before}`;

      // The backup the app takes before an update installs (here: on demand), then IndexedDB is lost.
      await page.evaluate(() => (window as unknown as Hooks).yktTest.shellServices.backupNow());
      await page.evaluate(() => (window as unknown as Hooks).yktTest.db.delete());
      await page.reload();

      await expect.poll(() => page.getByTestId('sync-waiting').textContent(), { timeout: 30_000 }).toBe(waiting);
      expect(await outboxCount()).toBe(before);
      // It came back through the restore (logged for IT), not because the database survived.
      expect(await page.evaluate(() => localStorage.getItem('ykt.log') ?? '')).toMatch(/local database restored from backup \(\d+ rows\)/);
      await page.screenshot({ path: join(ARTIFACTS, 'backup-restored.png') });

      proxy.setMode('pass');
      await expect.poll(() => page.getByTestId('sync-waiting').count(), { timeout: 60_000, interval: 500 }).toBe(0);
      const report = await fetch(`${hub.url}/report?key=${hub.adminToken}`).then((r) => r.text());
      expect(report).toContain('缺勤 1');
      await page.context().close();
    } finally {
      await proxy.close();
    }
  });
});
