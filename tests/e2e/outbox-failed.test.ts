// The outbox's 失败 list end to end in Debian's Chromium (real IndexedDB) against the real hub: a stored op that does
// not parse never blocks the records behind it (they reach the hub), is shown under 失败 on 同步详情, exports as a JSON
// file, and 重试 queues it again — it is never dropped.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classroomContext } from '../support/browser.ts';
import type { HubProcess } from '../support/hub-process.ts';
import { startLoopbackSystem, type LoopbackSystem } from '../support/loopback-system.ts';
import { enrollInPage } from '../support/enroll-page.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
let system: LoopbackSystem;
let hub: HubProcess;
let renderer: { url: string; close(): Promise<void> };
let browser: Browser;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  system = await startLoopbackSystem('ykt-outbox-failed-', 'outbox-failed-admin-token-0123456789');
  ({ hub, renderer, browser } = system);
});
afterAll(() => system?.close());

type Hooks = { yktTest: { db: { outbox: { add(row: unknown): Promise<number>; count(): Promise<number> } } } };
const outboxCount = (page: Page) => page.evaluate(() => (window as unknown as Hooks).yktTest.db.outbox.count());

describe('同步详情: a record that cannot be uploaded is listed under 失败, never dropped', () => {
  it('shows a damaged stored record as failed while the others upload; exports it; 重试 queues it again', async () => {
    const page = await (await classroomContext(browser)).newPage();
    await page.goto(`${renderer.url}?test-hooks&hub=${encodeURIComponent(hub.url)}`);
    await enrollInPage(page, 'DEMO-ZJ-1');
    await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 20_000 }).toContain('已同步');

    // A row as a failing disk or an older version might leave it: its op is not a protocol op.
    await page.evaluate(() =>
      (window as unknown as Hooks).yktTest.db.outbox.add({ id: 'damaged-op-0001', op: { type: 'attendance.teleport' }, status: 'pending', createdAt: '2026-11-25T02:00:00.000Z', attempts: 0 }),
    );
    await page.getByRole('tab', { name: '本周课表' }).click();
    await page.locator('.week-cell', { hasText: '数学' }).first().click();
    await expect.poll(() => page.getByTestId('student').count()).toBe(42);
    await page.getByTestId('student').nth(0).click(); // 缺勤: a good record behind the damaged one

    await page.getByTestId('sync-status').click(); // opens 同步详情 and syncs now
    await expect.poll(() => page.getByTestId('failed-ops').getByRole('heading').textContent(), { timeout: 20_000 }).toBe('失败 1 条');
    await expect.poll(() => outboxCount(page), { timeout: 20_000 }).toBe(1); // the good record left: acknowledged
    expect(await page.getByTestId('failed-row').allTextContents()).toEqual([expect.stringContaining('无法读取的记录') as string]);
    expect(await page.getByTestId('outbox-row').count()).toBe(0);
    // The top bar tells the two apart: nothing waits to upload, one record needs IT.
    await expect.poll(() => page.getByTestId('sync-failed').textContent()).toBe('需处理 1');
    expect(await page.getByTestId('sync-waiting').count()).toBe(0);
    const report = await fetch(`${hub.url}/report?key=${hub.adminToken}`).then((r) => r.text());
    expect(report).toContain('缺勤 1');
    await page.screenshot({ path: join(ARTIFACTS, 'outbox-failed.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出' }).click()]);
    const exported = JSON.parse(await readFile((await download.path()) ?? '', 'utf8')) as { format: string; ops: { unreadable?: string; stored?: { id?: string } }[] };
    expect(exported.format).toBe('ykt-failed-ops');
    expect(exported.ops).toEqual([expect.objectContaining({ unreadable: expect.stringContaining('unreadable row') as string, stored: expect.objectContaining({ id: 'damaged-op-0001' }) as object })]);
    await expect.poll(() => page.getByRole('status').filter({ hasText: '已导出 1 条' }).count()).toBe(1);

    await page.getByRole('button', { name: '重试' }).first().click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: '已重新排队 1 条' }).count()).toBe(1);
    // Still damaged: read again, failed again, still kept.
    await expect.poll(() => page.getByTestId('failed-ops').getByRole('heading').textContent(), { timeout: 20_000 }).toBe('失败 1 条');
    expect(await outboxCount(page)).toBe(1);
    await page.context().close();
  });
});
