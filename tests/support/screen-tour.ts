// A walk through every screen a teacher, a student or IT sees, calling `at(name)` on each, for checks that apply to all
// of them (touch-target sizes, screenshots). The real renderer against the real hub; demo code DEMO-ZJ-1 (七年级, live
// and recorded lessons, 数学 with a quiz, a recording and a 预习包).
import type { Page } from 'playwright-core';
import { enrollInPage, TEST_IT_PIN } from './enroll-page.ts';
import { waitFor } from './ports.ts';
import { tapPin, TEST_TEACHER_PIN } from './student-mode-page.ts';

export type ScreenVisit = (screen: string) => Promise<void>;

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).first().textContent()) ?? '';

/** Opens the first lesson of this week whose cell shows every word (subject, 直播 / 录播…). */
export async function openWeekCell(page: Page, ...words: string[]) {
  await page.getByRole('tab', { name: '本周课表' }).click();
  let cells = page.locator('.week-cell');
  for (const w of words) cells = cells.filter({ hasText: w });
  await waitFor(async () => ((await cells.count()) > 0 ? true : undefined), `a week cell with ${words.join(' ')}`, 30_000);
  await cells.first().click();
}

export async function tourScreens(page: Page, appUrl: string, at: ScreenVisit): Promise<void> {
  await page.goto(appUrl);
  await page.getByLabel('注册码').waitFor();
  await at('设备注册');
  await enrollInPage(page, 'DEMO-ZJ-1');
  await waitFor(async () => ((await text(page, 'sync-status')).includes('已同步') ? true : undefined), 'first sync', 60_000);
  await at('今日课表');
  await page.getByRole('tab', { name: '本周课表' }).click();
  await waitFor(async () => ((await page.locator('.week-cell').count()) > 10 ? true : undefined), 'the week grid', 30_000);
  await at('本周课表');

  await openWeekCell(page, '语文', '录播'); // this week of the demo timetable always has one, with a quiz
  await page.getByTestId('attendance-totals').waitFor();
  await at('考勤');
  await page.getByRole('tab', { name: '二次备课' }).click();
  await page.getByRole('button', { name: '添加备课笔记' }).click();
  await at('二次备课');
  await page.getByRole('tab', { name: '随堂测' }).click();
  await page.getByRole('radio', { name: /^B\./ }).click();
  await page.getByRole('button', { name: '公布答案' }).click();
  await at('随堂测');

  await page.getByRole('button', { name: '播放录播' }).click();
  await page.getByTestId('video').waitFor({ timeout: 90_000 });
  await at('播放录播');
  const handout = page.getByTestId('content-file').filter({ hasText: '讲义.pdf' });
  await waitFor(async () => ((await handout.getAttribute('data-state')) === 'complete' ? true : undefined), 'the handout downloaded', 90_000);
  await handout.getByRole('button', { name: '打开' }).click();
  await waitFor(async () => ((await page.getByTestId('pdf-canvas').getAttribute('data-rendered')) === '1' ? true : undefined), 'the handout rendered', 30_000);
  await at('预习包讲义');

  await page.getByRole('button', { name: /返回/ }).first().click();
  await page.getByRole('button', { name: /返回课表/ }).first().click();
  await page.getByRole('tab', { name: '复习' }).click();
  await waitFor(async () => ((await page.getByTestId('review-item').count()) > 0 ? true : undefined), 'something to review', 60_000);
  await at('复习');
  await page.getByRole('button', { name: /返回/ }).first().click();

  await page.getByTestId('sync-status').click();
  await page.getByRole('heading', { name: '同步详情' }).waitFor();
  await at('同步详情');

  await page.getByRole('button', { name: '管理员' }).click();
  await page.getByLabel('管理员密码').waitFor();
  await at('管理员密码');
  await page.getByLabel('管理员密码').fill(TEST_IT_PIN);
  await page.getByRole('button', { name: '进入' }).click();
  await page.getByRole('heading', { name: '管理员（学校信息管理员）' }).waitFor();
  await at('管理员');
  await page.getByRole('button', { name: '返回课表' }).first().click();

  await openWeekCell(page, '直播');
  await page.getByRole('button', { name: /进入直播/ }).click();
  await page.getByTestId('live-player').waitFor();
  await waitFor(async () => ((await page.getByTestId('live-player').getAttribute('data-phase')) !== 'connecting' ? true : undefined), 'the live screen settled', 30_000);
  await at('直播');
  await page.getByRole('button', { name: /退出直播/ }).click();
  await page.getByRole('button', { name: /返回课表/ }).first().click();

  // The students' side of the same PC: 复习 → 学生练习 (the teacher sets her PIN first), the name tiles, a student's
  // own page and a question, and the teacher's unlock keypad.
  await page.getByRole('tab', { name: '复习' }).click();
  await page.getByTestId('practice-entry').click();
  await page.getByTestId('set-teacher-pin').waitFor();
  await at('设置老师密码');
  for (let time = 0; time < 2; time++) await tapPin(page, TEST_TEACHER_PIN);
  await page.getByTestId('student-mode-badge').waitFor();
  await waitFor(async () => ((await page.getByTestId('student-tile').count()) > 0 ? true : undefined), 'the name tiles', 30_000);
  await at('学生练习');
  await page.getByTestId('student-tile').first().click();
  await page.getByTestId('practice-lesson').first().waitFor();
  await at('学生主页');
  await page.getByTestId('practice-lesson').first().click();
  await page.getByTestId('practice-question').waitFor();
  await at('练习题');
  await page.getByRole('button', { name: '退出', exact: true }).click(); // signs the student out, mid-question
  await page.getByTestId('teacher-unlock-open').click();
  await page.locator('.pin-keypad').waitFor();
  await at('老师解锁');
  await tapPin(page, TEST_TEACHER_PIN);
  await page.getByTestId('student-mode-badge').waitFor({ state: 'detached' });
}
