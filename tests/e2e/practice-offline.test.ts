// Students practise and take a 考核 on the shared classroom PC, in the real renderer (real IndexedDB) against a real hub:
// two students practise with the link cut, one gets questions wrong and meets them again the next day (the page's clock
// is moved on), the link returns and the lead school's report shows both students' attempts exactly once. A 考核 is
// taken offline; before its window closes no key is on the PC (IndexedDB and every pull page checked); after it
// closes the hub scores it and the student sees the score.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PracticeReport } from '../../hub/features/practice/practice-report.ts';
import type { Exam } from '../../src/shared/protocol.ts';
import { classroomContext } from '../support/browser.ts';
import { beginDemoMathLesson } from '../support/demo-lesson-begun.ts';
import { enrollInPage } from '../support/enroll-page.ts';
import type { HubProcess } from '../support/hub-process.ts';
import { startLoopbackSystem, type LoopbackSystem } from '../support/loopback-system.ts';
import { handOverToStudents, tapPin, TEST_TEACHER_PIN } from '../support/student-mode-page.ts';
import { startSwitchableProxy } from '../support/switchable-proxy.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const DAY = 86_400_000;
let hub: HubProcess;
let renderer: { url: string; close(): Promise<void> };
let browser: Browser;
let system: LoopbackSystem;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  system = await startLoopbackSystem('ykt-practice-', 'practice-admin-token-0123456789');
  ({ hub, renderer, browser } = system);
  await beginDemoMathLesson(hub.url, hub.adminToken);
});
afterAll(() => system?.close());

const admin = (path: string, init: RequestInit = {}) =>
  fetch(`${hub.url}${path}`, { ...init, headers: { authorization: `Bearer ${hub.adminToken}`, 'content-type': 'application/json' } });
const tiles = (page: Page) => page.getByTestId('student-tile');

/** Answers the current question with `choice` and returns the feedback text. */
async function answer(page: Page, choice: number) {
  await page.getByTestId('practice-choice').nth(choice).click();
  const feedback = (await page.getByTestId('practice-feedback').textContent()) ?? '';
  await page.getByTestId('practice-next').click();
  return feedback;
}

/** The teacher hands the PC to the class (学生模式, setting the teacher PIN the first time on this PC). */
async function openPractice(page: Page) {
  await handOverToStudents(page);
  await expect.poll(() => tiles(page).count()).toBe(42);
}

describe('students practise offline on the shared PC', () => {
  it('two students practise, mistakes come back the next day, the lead report gets each attempt once', async () => {
    const proxy = await startSwitchableProxy(hub.url);
    try {
      const context = await classroomContext(browser);
      const page = await context.newPage();
      await page.clock.install({ time: new Date() });
      await page.goto(`${renderer.url}?hub=${encodeURIComponent(proxy.url)}`);
      await enrollInPage(page, 'DEMO-ZJ-1');
      await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 20_000 }).toContain('已同步');

      proxy.setMode('down');
      await openPractice(page);
      await page.screenshot({ path: join(ARTIFACTS, 'practice-tiles.png') });
      const math = page.getByTestId('practice-lesson').filter({ hasText: '数学' }).first();

      // 学生 1: (-3)+5 → B, 0.4×0.5 → A, 2x+3=11 → B: all right, the lesson is mastered.
      await tiles(page).nth(0).click();
      await math.click();
      // The questions say which lesson they are from.
      expect(await page.getByTestId('practice-heading').textContent()).toMatch(/^数学 · .+ · 第 1\/3 题$/);
      for (const c of [1, 0, 1]) expect(await answer(page, c)).toContain('答对了');
      await page.getByRole('button', { name: '返回', exact: true }).click();
      await expect.poll(() => math.textContent()).toContain('已掌握');
      await page.getByRole('button', { name: '退出', exact: true }).click();

      // 学生 2: wrong, right, wrong — sees the right answer and the explanation at once.
      await tiles(page).nth(1).click();
      await math.click();
      await page.getByTestId('practice-choice').nth(0).click();
      await expect.poll(() => page.getByTestId('practice-feedback').textContent()).toContain('答错了，正确答案是 B');
      expect(await page.getByTestId('practice-feedback').textContent()).toContain('解析：异号两数相加');
      await page.screenshot({ path: join(ARTIFACTS, 'practice-feedback.png') });
      await page.getByTestId('practice-next').click();
      expect(await answer(page, 0)).toContain('答对了');
      expect(await answer(page, 0)).toContain('答错了');
      await page.getByRole('button', { name: '返回', exact: true }).click();
      expect(await page.getByTestId('mistakes').textContent()).toContain('今天没有要复习的错题'); // not before tomorrow
      await page.getByRole('button', { name: '退出', exact: true }).click();

      // The next day: the two wrong questions are back in 学生 2's 错题本, and only in theirs.
      const pageNow = await page.evaluate(() => Date.now());
      await page.clock.setSystemTime(pageNow + DAY + 60_000);
      await tiles(page).nth(0).click();
      expect(await page.getByTestId('mistakes').textContent()).toContain('今天没有要复习的错题');
      await page.getByRole('button', { name: '退出', exact: true }).click();
      await tiles(page).nth(1).click();
      await expect.poll(() => page.getByTestId('mistakes').textContent()).toContain('今天要复习 2 题');
      await page.screenshot({ path: join(ARTIFACTS, 'practice-mistakes.png') });
      await page.getByTestId('mistakes').click();
      await expect.poll(() => page.getByTestId('practice-question').getAttribute('data-question-id')).toBe('q1');
      expect(await page.getByTestId('practice-heading').textContent()).toBe('错题本 · 第 1/2 题');
      expect(await answer(page, 1)).toContain('答对了');
      expect(await page.getByTestId('practice-question').getAttribute('data-question-id')).toBe('q3');
      expect(await answer(page, 1)).toContain('答对了');
      await page.getByRole('button', { name: '返回', exact: true }).click();
      await expect.poll(() => page.getByTestId('mistakes').textContent()).toContain('今天没有要复习的错题'); // back in 3 days

      // Left signed in: signed out by itself after inactivity.
      await page.clock.setSystemTime(pageNow + DAY + 6 * 60_000);
      await expect.poll(() => page.getByTestId('idle-signed-out').count(), { timeout: 15_000 }).toBe(1);
      expect(await page.getByTestId('student-mode-badge').count()).toBe(1); // signed out, still 学生模式

      // The teacher's view, offline (after the teacher PIN): who practised, who is stuck, who has not practised.
      await page.getByRole('button', { name: '练习情况（教师）' }).click();
      await tapPin(page, TEST_TEACHER_PIN);
      const rows = page.getByTestId('progress-row');
      await expect.poll(() => rows.nth(0).textContent()).toContain('3/3');
      expect(await rows.nth(1).textContent()).toContain('3/5');
      expect(await rows.nth(2).textContent()).toContain('未练习');
      await page.screenshot({ path: join(ARTIFACTS, 'practice-teacher.png') });

      await expect.poll(() => page.getByTestId('sync-waiting').textContent(), { timeout: 30_000 }).toBe('待上传 8');
      proxy.setMode('pass');
      await expect.poll(() => page.getByTestId('sync-waiting').count(), { timeout: 90_000, interval: 500 }).toBe(0);

      const report = (await (await admin('/v1/admin/report')).json()) as { practice: PracticeReport };
      const mine = report.practice.students.filter((s) => s.classroomId === 'cls-zj-7-1');
      expect(mine.map((s) => [s.studentId, s.correct, s.attempts, s.lessonsMastered])).toEqual([
        ['stu-zj-7-1-01', 3, 3, 1],
        ['stu-zj-7-1-02', 3, 5, 0],
      ]);
      const reportPage = await browser.newPage();
      await reportPage.goto(`${hub.url}/report?key=${hub.adminToken}`);
      expect(await reportPage.locator('#practice tr[data-student="stu-zj-7-1-02"] .practice-attempts').textContent()).toBe('3/5');
      await reportPage.screenshot({ path: join(ARTIFACTS, 'practice-hub-report.png'), fullPage: true });
      await reportPage.close();
      await context.close();
    } finally {
      await proxy.close();
    }
  });

  it('a 考核 taken offline is scored after its window, with no key on the PC before', async () => {
    const now = Date.now();
    const exam: Exam = {
      paper: {
        id: 'exam-e2e',
        lessonId: 'les-j7-0-0',
        title: '第一单元考核',
        opensAt: new Date(now - 60_000).toISOString(),
        closesAt: new Date(now + 45_000).toISOString(),
        durationSec: 600,
        questions: [
          { id: 'e1', prompt: '1 + 1 = ?', choices: ['1', '2', '3'] },
          { id: 'e2', prompt: '2 × 3 = ?', choices: ['5', '6'] },
        ],
      },
      key: [1, 1],
    };
    expect((await admin('/v1/admin/exams/exam-e2e', { method: 'PUT', body: JSON.stringify(exam) })).status).toBe(200);
    const proxy = await startSwitchableProxy(hub.url);
    try {
      const context = await classroomContext(browser);
      const page = await context.newPage();
      const pulls: string[] = [];
      page.on('response', (res) => {
        if (res.url().includes('/v1/sync/pull')) void res.text().then((t) => pulls.push(t), () => undefined);
      });
      await page.goto(`${renderer.url}?hub=${encodeURIComponent(proxy.url)}`);
      await enrollInPage(page, 'DEMO-ZJ-1');
      await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 20_000 }).toContain('已同步');
      proxy.setMode('down');
      await openPractice(page);
      await tiles(page).nth(3).click();
      await page.getByRole('button', { name: /开始考核/ }).click();
      const questions = page.getByTestId('exam-question');
      await questions.nth(0).getByRole('radio', { name: /^B\./ }).click(); // right
      // She taps 退出 half-way and comes back: her answer is still there and the clock ran on (it used to restart).
      const timeLeft = async () => {
        const [m, sec] = ((await page.locator('.time-left').textContent()) ?? '').replace(/[^\d:]/g, '').split(':').map(Number);
        return (m ?? 0) * 60 + (sec ?? 0);
      };
      await expect.poll(timeLeft).toBeLessThan(exam.paper.durationSec);
      const leftWhenSheLeft = await timeLeft();
      await page.getByRole('button', { name: '退出', exact: true }).click();
      await expect.poll(() => tiles(page).count()).toBe(42);
      await tiles(page).nth(3).click();
      await page.getByRole('button', { name: /开始考核/ }).click();
      await expect.poll(() => questions.nth(0).getByRole('radio', { name: /^B\./ }).getAttribute('aria-checked')).toBe('true');
      expect(await timeLeft()).toBeLessThanOrEqual(leftWhenSheLeft); // not back to the full 10:00
      await questions.nth(1).getByRole('radio', { name: /^A\./ }).click(); // wrong
      await page.getByTestId('exam-submit').click();
      await page.getByTestId('exam-confirm').click();
      await expect.poll(() => page.getByTestId('exam-submitted').count()).toBe(1);
      await page.getByRole('button', { name: '返回', exact: true }).click();
      await expect.poll(() => page.getByTestId('exam-row').textContent()).toContain('已提交');

      // Before the window closes: no key anywhere on the PC, nor in anything it pulled.
      const stored = await page.evaluate(async () => {
        const names = (await indexedDB.databases()).map((d) => d.name ?? '');
        const dump: string[] = [];
        for (const name of names) {
          const db = await new Promise<IDBDatabase>((ok, fail) => {
            const r = indexedDB.open(name);
            r.onsuccess = () => ok(r.result);
            r.onerror = () => fail(new Error(String(r.error)));
          });
          for (const store of [...db.objectStoreNames].filter((s) => s !== 'contentChunks' && s !== 'chunkParts')) {
            const rows = await new Promise<unknown[]>((ok) => {
              const r = db.transaction(store).objectStore(store).getAll();
              r.onsuccess = () => ok(r.result as unknown[]);
            });
            dump.push(`${store}:${JSON.stringify(rows)}`);
          }
          db.close();
        }
        return dump.join('\n');
      });
      expect(Date.now()).toBeLessThan(Date.parse(exam.paper.closesAt));
      expect(stored).toContain('exam-e2e');
      expect(stored).not.toMatch(/"key":\[/);
      expect(stored).toMatch(/examResults:\[\]/);
      expect(pulls.length).toBeGreaterThan(0);
      for (const body of pulls) expect(body).not.toMatch(/"key":\[/);

      // After the window: the hub scores the locked answers and releases the score to this classroom.
      await expect.poll(() => Date.now(), { timeout: 60_000, interval: 1000 }).toBeGreaterThan(Date.parse(exam.paper.closesAt));
      proxy.setMode('pass');
      await expect.poll(() => page.getByTestId('exam-score').textContent(), { timeout: 90_000, interval: 500 }).toBe('得分 1/2');
      const report = (await (await admin('/v1/admin/report')).json()) as { practice: PracticeReport };
      expect(report.practice.exams.filter((x) => x.examId === 'exam-e2e').map((x) => [x.correct, x.total])).toEqual([[1, 2]]);
      await context.close();
    } finally {
      await proxy.close();
    }
  });
});
