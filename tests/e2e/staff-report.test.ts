// The lead school's view end to end, in Debian's Chromium against the real hub process: a receiving teacher writes a
// 二次备课 note on her classroom PC; the lead teacher signs in on the report page, filters to her course, sees the chart
// and the per-question table, downloads the .xlsx (read back with exceljs: the cells equal the hub's JSON), opens
// 联合教研 and replies to the note; the classroom PC shows the reply next to the note after its sync; she takes the reply
// back (撤回) and the PC drops it; she changes her password. Screenshots: the report on a desktop and on a 390 px phone,
// the side-by-side view, the reply on the PC, the withdrawal on the page and on the PC, the password form.
import ExcelJS from 'exceljs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { EnrollResponse, type Op } from '../../src/shared/protocol.ts';
import type { ClassesPage, ReportSummary } from '../../hub/features/report/report-view.ts';
import { classroomContext } from '../support/browser.ts';
import { enrollInPage } from '../support/enroll-page.ts';
import type { HubProcess } from '../support/hub-process.ts';
import { startLoopbackSystem, type LoopbackSystem } from '../support/loopback-system.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const LESSON = 'les-j7-0-0'; // Monday 08:00 数学, both 昭觉 classes, with the demo 随堂测
let system: LoopbackSystem;
let hub: HubProcess;
let browser: Browser;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  system = await startLoopbackSystem('ykt-staff-report-', 'staff-report-admin-token-0123456789');
  ({ hub, browser } = system);
}, 120_000);
afterAll(() => system?.close());

/** A classroom's attendance and 随堂测, pushed as its PC would (the records flow itself has its own e2e). */
async function pushRecords(code: string, students: [string, 'present' | 'absent' | 'late', number[]][]) {
  const enrolled = EnrollResponse.parse(await (await fetch(`${hub.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: '测试' }) })).json());
  let n = 0;
  const base = () => ({ id: `op-e2e-${code}-${++n}`, seq: n, hlc: encodeHlc({ wallMs: 1_700_000_000_000 + n, counter: 0, node: enrolled.device.id }) });
  const ops: Op[] = students.flatMap(([studentId, status, choices]) => [
    { ...base(), type: 'attendance.set' as const, lessonId: LESSON, studentId, status },
    ...choices.map((choice, i) => ({ ...base(), type: 'quiz.answer' as const, lessonId: LESSON, quizId: 'quiz-j7-0-0', questionId: `q${i + 1}`, studentId, choice })),
  ]);
  const res = await fetch(`${hub.url}/v1/sync/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${enrolled.device.token}` }, body: JSON.stringify({ ops }) });
  expect(res.status).toBe(200);
}

async function openLessonNotes(page: Page) {
  await page.getByRole('tab', { name: '本周课表' }).click();
  await page.locator('.week-cell', { hasText: '数学' }).first().click();
  await page.getByRole('tab', { name: '二次备课' }).click();
}

describe('the lead school’s report and 联合教研', () => {
  it('sign in, filter, chart, per-question table, .xlsx equal to the JSON; reply reaches the classroom PC', { timeout: 240_000 }, async () => {
    await pushRecords('DEMO-ZJ-1', [['stu-zj-7-1-01', 'present', [1, 0, 1]], ['stu-zj-7-1-02', 'late', [0, 0, 0]], ['stu-zj-7-1-03', 'absent', []]]);
    await pushRecords('DEMO-ZJ-2', [['stu-zj-7-2-01', 'present', [1, 1, 1]], ['stu-zj-7-2-02', 'present', [0, 1, 2]]]);

    // The receiving teacher's 二次备课 note, written on her PC.
    const pc = await (await classroomContext(browser)).newPage();
    await pc.goto(`${system.renderer.url}?hub=${encodeURIComponent(hub.url)}`);
    await enrollInPage(pc, 'DEMO-ZJ-1');
    await expect.poll(() => pc.getByTestId('sync-status').textContent(), { timeout: 30_000 }).toContain('已同步');
    await openLessonNotes(pc);
    await pc.getByRole('button', { name: /添加备课笔记/ }).click();
    await pc.getByLabel(/时间（分：秒/).fill('12:30');
    await pc.getByLabel('笔记内容').fill('12:30 暂停，用村里分土豆的例子讲通分');
    await pc.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => pc.getByTestId('sync-waiting').count(), { timeout: 60_000, interval: 500 }).toBe(0);

    // The lead teacher signs in.
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 900 } });
    const lead = await context.newPage();
    await lead.goto(`${hub.url}/staff`);
    await lead.getByLabel('用户名').fill('demo-lead');
    await lead.getByLabel('密码', { exact: true }).fill('lead-demo-2026');
    await lead.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => lead.locator('#who-name').textContent()).toContain('王晓峰');
    await lead.locator('select[name=courseId]').selectOption('crs-math-7');
    await lead.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => lead.locator('#status').textContent()).toMatch(/共 \d+ 节课/);
    // The chart is drawn (Chart.js from the hub's own node_modules) and the per-question table lists the quiz.
    await expect.poll(() => lead.evaluate(() => Boolean((window as unknown as { Chart?: { getChart(c: Element | null): unknown } }).Chart?.getChart(document.getElementById('trend-chart'))))).toBe(true);
    const questions = lead.locator(`.lesson[data-lesson="${LESSON}"] table.questions`);
    await expect.poll(() => questions.locator('tbody tr').count()).toBe(3);
    await expect.poll(() => questions.locator('tr.hardest').textContent()).toContain('(-3) + 5 = ?');
    // Per-class rows only when asked for: the lesson's two classes, with who needs help.
    await lead.locator(`.lesson[data-lesson="${LESSON}"]`).getByRole('button', { name: '查看各班' }).click();
    await expect.poll(() => lead.locator('#detail-status').textContent()).toBe('共 2 个班级记录');
    await expect.poll(() => lead.locator('#rows tbody tr').count()).toBe(2);
    await expect.poll(() => lead.locator('#rows').textContent()).toContain('出勤 41/');
    await lead.screenshot({ path: join(ARTIFACTS, 'staff-report-desktop.png'), fullPage: true });

    // The .xlsx, downloaded as a teacher would, equals the hub's JSON for the same filter.
    const [download] = await Promise.all([lead.waitForEvent('download'), lead.getByRole('link', { name: '导出 Excel' }).click()]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await readFile((await download.path()) ?? '')) as unknown as ArrayBuffer);
    // The page's own two answers for the same filter: the summary, and the per-class rows (one page holds them all here).
    const summary = (await lead.evaluate(async () => (await fetch('/staff/api/report?courseId=crs-math-7')).json() as Promise<unknown>)) as ReportSummary;
    const view = (await lead.evaluate(async () => (await fetch('/staff/api/report/classes?courseId=crs-math-7')).json() as Promise<unknown>)) as ClassesPage;
    expect(view.pages).toBe(1);
    const sheet = book.getWorksheet('按班级');
    expect(sheet?.rowCount).toBe(view.total + 1);
    const row = view.rows.findIndex((r) => r.lessonId === LESSON && r.classroomId === 'cls-zj-7-1');
    const cells = (sheet?.getRow(row + 2).values as unknown[]).slice(1);
    const r = view.rows[row];
    expect(cells.slice(4, 13)).toEqual([r?.classroom, r?.roster, 41, 1, 1, 0, r?.quiz?.answered, r?.quiz?.correct, '67%']);
    expect(r?.quiz).toEqual({ answered: 6, correct: 4 });
    const byQuestion = book.getWorksheet('按题');
    const lesson = summary.lessons.find((l) => l.lessonId === LESSON);
    const q1 = byQuestion?.getRows(2, byQuestion.rowCount - 1)?.find((x) => x.getCell(3).value === lesson?.questions[0]?.prompt);
    expect([q1?.getCell(4).value, q1?.getCell(5).value, q1?.getCell(8).value]).toEqual([lesson?.questions[0]?.answered, lesson?.questions[0]?.correct, lesson?.questions[0]?.classesWrong]);

    await lead.setViewportSize({ width: 390, height: 844 });
    await lead.screenshot({ path: join(ARTIFACTS, 'staff-report-phone.png'), fullPage: false });
    await lead.setViewportSize({ width: 1366, height: 900 });

    // 联合教研: the note side by side with the other class; reply.
    await lead.goto(`${hub.url}/staff/research?lesson=${LESSON}`);
    const note = lead.locator('.column[data-classroom="cls-zj-7-1"] .note').first();
    await expect.poll(() => note.textContent()).toContain('分土豆');
    await note.getByLabel('回复').fill('这个本地例子很好，下节课可以再用一次。');
    await note.getByRole('button', { name: '回复' }).click();
    await expect.poll(() => note.locator('.feedback').textContent()).toContain('王晓峰（成都七中）：这个本地例子很好');
    await lead.screenshot({ path: join(ARTIFACTS, 'staff-research.png'), fullPage: true });

    // The classroom PC shows the reply next to the note after a sync (the app syncs as it starts).
    await pc.reload();
    await expect.poll(() => pc.getByTestId('sync-status').textContent(), { timeout: 30_000 }).toContain('已同步');
    await openLessonNotes(pc);
    const shown = pc.getByTestId('note').filter({ hasText: '分土豆' }).getByTestId('note-feedback');
    await expect.poll(() => shown.textContent(), { timeout: 30_000 }).toContain('王晓峰（成都七中） 回复：这个本地例子很好');
    await pc.screenshot({ path: join(ARTIFACTS, 'staff-reply-on-pc.png') });

    // Taken back: a 优秀做法 mark and a second reply stay with their 取消优秀 / 撤回 buttons; the first reply is 已撤回
    // on the page, and gone from the PC after its next sync.
    await note.getByRole('button', { name: '标为优秀做法' }).click();
    await expect.poll(() => note.getByRole('button', { name: '取消优秀' }).count()).toBe(1);
    await note.locator('.feedback.reply').getByRole('button', { name: '撤回' }).click();
    await expect.poll(() => lead.locator('#status').textContent()).toContain('已撤回回复');
    await expect.poll(() => note.locator('.feedback.withdrawn').textContent()).toMatch(/这个本地例子很好.*已撤回/);
    await note.getByLabel('回复').fill('第二条：练习题可以换成本地的数据。');
    await note.getByRole('button', { name: '回复' }).click();
    await expect.poll(() => note.locator('.feedback.reply:not(.withdrawn)').getByRole('button', { name: '撤回' }).count()).toBe(1);
    await lead.screenshot({ path: join(ARTIFACTS, 'staff-research-withdraw.png'), fullPage: true });
    await pc.reload();
    await expect.poll(() => pc.getByTestId('sync-status').textContent(), { timeout: 30_000 }).toContain('已同步');
    await openLessonNotes(pc);
    await expect.poll(async () => (await shown.allTextContents()).sort(), { timeout: 30_000 }).toEqual(['王晓峰（成都七中） 回复：第二条：练习题可以换成本地的数据。', '王晓峰（成都七中） 标为优秀做法'].sort());
    await pc.screenshot({ path: join(ARTIFACTS, 'staff-withdrawn-on-pc.png') });

    // 修改密码 on the report page: another session of the account (another PC) is ended, this page stays signed in.
    const elsewhere = await fetch(`${hub.url}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-lead', password: 'lead-demo-2026' }) });
    const elsewhereCookie = /^(ykt_staff=[^;]+)/.exec(elsewhere.headers.get('set-cookie') ?? '')?.[1] ?? '';
    await lead.goto(`${hub.url}/staff`);
    await lead.getByRole('button', { name: '修改密码' }).click();
    await lead.getByLabel('当前密码').fill('lead-demo-2026');
    await lead.getByLabel(/^新密码/).fill('lead-new-password-2027');
    await lead.getByLabel('再输一次新密码').fill('lead-new-password-2027');
    await lead.getByRole('button', { name: '保存新密码' }).click();
    await expect.poll(() => lead.locator('#password-done').textContent()).toBe('密码已修改，其他 1 处登录已退出');
    await lead.screenshot({ path: join(ARTIFACTS, 'staff-password.png') });
    expect((await fetch(`${hub.url}/staff/api/me`, { headers: { cookie: elsewhereCookie } })).status).toBe(401);
    expect(await lead.evaluate(async () => (await fetch('/staff/api/me')).status)).toBe(200);
    await context.close();
  });
});
