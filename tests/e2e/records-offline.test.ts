// Records end to end: with the hub unreachable, the teacher takes attendance and records a quiz in the real renderer
// (real IndexedDB); everything waits in the outbox, visibly; when the link returns it uploads by itself, and the lead
// school's report on the real hub shows exactly what was entered.
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
  system = await startLoopbackSystem('ykt-records-', 'records-admin-token-0123456789');
  ({ hub, renderer, browser } = system);
});
afterAll(() => system?.close());

const students = (page: Page) => page.getByTestId('student');

describe('attendance and quiz taken offline reach the lead school’s report', () => {
  it('records with the link cut, shows what waits, uploads by itself when the link returns', async () => {
    const proxy = await startSwitchableProxy(hub.url);
    try {
      const page = await (await classroomContext(browser)).newPage();
      await page.goto(`${renderer.url}?hub=${encodeURIComponent(proxy.url)}`);
      await enrollInPage(page, 'DEMO-ZJ-1');
      await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 20_000 }).toContain('已同步');

      proxy.setMode('down');
      await page.getByRole('tab', { name: '本周课表' }).click();
      await page.locator('.week-cell', { hasText: '数学' }).first().click();
      await expect.poll(() => students(page).count()).toBe(42);

      await students(page).nth(0).click(); // 缺勤
      await students(page).nth(1).click();
      await students(page).nth(1).click(); // 迟到
      await page.getByRole('button', { name: /确认考勤/ }).click();
      await expect.poll(() => page.getByTestId('attendance-totals').textContent()).toContain('缺勤 1');
      await page.screenshot({ path: join(ARTIFACTS, 'records-attendance.png') });

      await page.getByRole('tab', { name: '随堂测' }).click();
      const quizStudents = page.getByTestId('quiz-student');
      await page.getByRole('radio', { name: /^B\./ }).click(); // (-3) + 5 = 2: right
      for (let i = 0; i < 5; i++) await quizStudents.nth(i).click();
      await page.getByRole('radio', { name: /^A\./ }).click(); // wrong
      for (let i = 5; i < 8; i++) await quizStudents.nth(i).click();
      await page.getByRole('button', { name: '公布答案' }).click(); // the key stays hidden from the class until then
      await expect.poll(() => page.getByTestId('quiz-results').textContent()).toContain('正确率 63%（5/8）');
      await page.screenshot({ path: join(ARTIFACTS, 'records-quiz.png') });

      // 3 taps + 40 confirmed present + 8 answers wait, visibly, while the hub is unreachable.
      await expect.poll(() => page.getByTestId('sync-waiting').textContent(), { timeout: 30_000 }).toBe('待上传 51');
      await page.getByTestId('sync-status').click();
      await expect.poll(() => page.getByTestId('outbox-row').allTextContents()).toEqual([
        expect.stringContaining('考勤 × 43') as string,
        expect.stringContaining('随堂测答案 × 8') as string,
      ]);
      await page.screenshot({ path: join(ARTIFACTS, 'records-sync-details.png') });

      proxy.setMode('pass'); // no click: the loop's retry finds the hub
      await expect.poll(() => page.getByTestId('sync-waiting').count(), { timeout: 60_000, interval: 500 }).toBe(0);
      await expect.poll(() => page.getByText('所有记录都已上传。').count()).toBe(1);

      const report = await fetch(`${hub.url}/report?key=${hub.adminToken}`).then((r) => r.text());
      const row = /<tr data-lesson="[^"]+" data-classroom="cls-zj-7-1">[\s\S]*?<\/tr>/.exec(report)?.[0] ?? '';
      expect(row).toContain('出勤 41/42 · 迟到 1 · 缺勤 1 · 请假 0'); // 出勤 = present + late, as the app shows
      expect(row).toContain('63%（5/8）');
      const reportPage = await browser.newPage();
      await reportPage.goto(`${hub.url}/report?key=${hub.adminToken}`);
      await reportPage.screenshot({ path: join(ARTIFACTS, 'hub-report.png') });
      await reportPage.close();
      await page.context().close();
    } finally {
      await proxy.close();
    }
  });
});
