// 学生模式 on the shared classroom PC, in the real renderer against a real hub: the teacher opens 学生练习 and sets a
// teacher PIN; a pupil's ← reaches 复习 and back, and her taps on 老师 and the sync badge open no teacher screen (the
// route store refuses them and names the screen); a reload comes back locked; a wrong PIN is refused by name, five start a 30 s wait (the page's
// clock is moved on); the right PIN opens the screen that was asked for; a forgotten PIN is recovered with the IT PIN.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classroomContext } from '../support/browser.ts';
import { enrollInPage, TEST_IT_PIN } from '../support/enroll-page.ts';
import { startLoopbackSystem, type LoopbackSystem } from '../support/loopback-system.ts';
import { handOverToStudents, tapPin, TEST_TEACHER_PIN } from '../support/student-mode-page.ts';
import { formatSmall, smallControls } from '../support/touch-targets.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
let system: LoopbackSystem;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  system = await startLoopbackSystem('ykt-student-mode-', 'student-mode-admin-token-0123456789');
});
afterAll(() => system?.close());

const dialog = (page: Page) => page.getByTestId('teacher-unlock');
const refusedScreen = (page: Page) => page.getByTestId('route-refused').getAttribute('data-screen');
const heading = async (page: Page) => (await page.locator('main h1').first().textContent())?.trim();

/** 确定 of the visible keypad is on screen without scrolling (a teacher at the board does not scroll to find it). */
async function confirmInView(page: Page) {
  const box = await page.getByTestId('pin-confirm').boundingBox();
  const viewport = page.viewportSize();
  return box !== null && viewport !== null && box.y >= 0 && box.y + box.height <= viewport.height;
}

/** A pupil's tap that 学生模式 refuses: the dialog names the screen, nothing behind it changed, 取消 closes it. */
async function refusedTap(page: Page, tap: () => Promise<void>, screen: string, named: string) {
  await tap();
  await expect.poll(() => refusedScreen(page)).toBe(screen);
  expect(await page.getByTestId('route-refused').textContent()).toContain(`学生模式下不能打开「${named}」`);
  expect(await heading(page)).toBe('学生练习');
  await dialog(page).getByRole('button', { name: '取消' }).click();
  await expect.poll(() => dialog(page).count()).toBe(0);
  expect(await page.getByTestId('student-tile').count()).toBe(42);
}

describe('学生模式 on the shared PC', () => {
  it('locks the teacher screens until the teacher PIN, across a reload, with a named refusal for a wrong PIN', async () => {
    const context = await classroomContext(system.browser);
    const page = await context.newPage();
    await page.clock.install({ time: new Date() });
    await page.goto(`${system.renderer.url}?hub=${encodeURIComponent(system.hub.url)}`);
    await enrollInPage(page, 'DEMO-ZJ-1');
    await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 20_000 }).toContain('已同步');

    // The teacher opens 学生练习 for the first time: she sets the teacher PIN (twice) and the PC is in 学生模式.
    await page.getByRole('tab', { name: '复习' }).click();
    await page.getByTestId('practice-entry').click();
    await page.getByTestId('set-teacher-pin').waitFor();
    expect(await page.getByTestId('student-tile').count()).toBe(0); // no student screen before the PIN
    await page.screenshot({ path: join(ARTIFACTS, 'student-mode-set-pin.png') });
    expect(await confirmInView(page)).toBe(true);
    await tapPin(page, TEST_TEACHER_PIN);
    await page.locator('[data-testid=set-pin-step][data-step=again]').waitFor();
    await tapPin(page, '8641'); // a slip: the two do not match, she starts again
    await expect.poll(() => page.getByTestId('pin-mismatch').textContent()).toBe('两次输入不一样，请重新设置。');
    expect(await page.getByTestId('student-mode-badge').count()).toBe(0);
    await tapPin(page, TEST_TEACHER_PIN);
    await page.locator('[data-testid=set-pin-step][data-step=again]').waitFor();
    await tapPin(page, TEST_TEACHER_PIN);
    await page.getByTestId('student-mode-badge').waitFor();
    await expect.poll(() => page.getByTestId('student-tile').count()).toBe(42);
    expect(await page.getByRole('button', { name: '管理员' }).count()).toBe(0);
    expect((await page.getByTestId('teacher-unlock-open').textContent())?.trim()).toBe('老师解锁'); // after the padlock icon

    // ← leads to 复习 (students review cached lessons too), whose ← leads back to 学生练习, not to the timetable.
    await page.getByRole('button', { name: '← 返回' }).click();
    await expect.poll(() => heading(page)).toBe('复习');
    expect(await page.getByTestId('student-mode-badge').textContent()).toBe('学生模式');
    await page.getByRole('button', { name: '← 返回' }).click();
    await expect.poll(() => heading(page)).toBe('学生练习');
    await expect.poll(() => page.getByTestId('student-tile').count()).toBe(42);
    // A pupil tries every way to the teacher's side: 老师, the sync badge.
    await refusedTap(page, () => page.getByRole('button', { name: '练习情况（教师）' }).click(), 'practice-progress', '全班练习情况');
    await refusedTap(page, () => page.getByTestId('sync-status').click(), 'sync', '同步详情');
    expect(await page.getByTestId('class-progress').count()).toBe(0);

    // A reload (Ctrl+R / F5) comes back in 学生模式, on the students' screen.
    await page.reload();
    await expect.poll(() => page.getByTestId('student-tile').count(), { timeout: 20_000 }).toBe(42);
    expect(await page.getByTestId('student-mode-badge').textContent()).toBe('学生模式');
    expect(await heading(page)).toBe('学生练习');

    // 老师 → the keypad: big enough for a finger on the board; a wrong PIN is refused by name.
    await page.getByRole('button', { name: '练习情况（教师）' }).click();
    await dialog(page).waitFor();
    const small = await smallControls(page, 'teacher-unlock');
    expect(small, formatSmall(small)).toEqual([]);
    expect(await confirmInView(page)).toBe(true);
    await tapPin(page, '1111');
    await expect.poll(() => page.getByTestId('unlock-error').getAttribute('data-code')).toBe('wrong_pin');
    expect(await page.getByTestId('unlock-error').textContent()).toBe('老师密码不对，还可以再试 4 次。');
    await page.screenshot({ path: join(ARTIFACTS, 'student-mode-wrong-pin.png') });
    expect(await page.getByTestId('class-progress').count()).toBe(0);

    // The right PIN opens the screen that was asked for, with the teacher's whole app behind it.
    await tapPin(page, TEST_TEACHER_PIN);
    await expect.poll(() => page.getByTestId('class-progress').count()).toBe(1);
    expect(await dialog(page).count()).toBe(0);
    expect(await page.getByTestId('student-mode-badge').count()).toBe(0);
    expect(await page.getByRole('button', { name: '管理员' }).count()).toBe(1);

    // ← from the class's practice hands the PC back to the students at once (the PIN is set).
    await page.getByRole('button', { name: '← 返回' }).click();
    await page.getByTestId('student-mode-badge').waitFor();
    await expect.poll(() => page.getByTestId('student-tile').count()).toBe(42);

    // Five wrong PINs: a 30 s wait, the right PIN refused during it; after it, the right PIN opens the timetable.
    await page.getByTestId('teacher-unlock-open').click();
    await expect.poll(() => refusedScreen(page)).toBe('timetable');
    expect(await page.getByTestId('route-refused').textContent()).toBe('请输入老师密码，解锁后回到今日课表。');
    for (let i = 0; i < 5; i++) {
      await tapPin(page, '0000');
      await expect.poll(() => page.locator('.pin-dots').getAttribute('data-length')).toBe('0');
      await expect.poll(() => page.getByTestId('pin-confirm').isDisabled()).toBe(true);
    }
    await expect.poll(() => page.getByTestId('unlock-error').getAttribute('data-code')).toBe('locked_out');
    expect(await page.getByTestId('unlock-error').textContent()).toMatch(/^密码错了太多次，请 (29|30) 秒后再试。$/);
    expect(await page.locator('.pin-keypad').getByRole('button', { name: '1', exact: true }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'student-mode-locked-out.png') });
    await page.clock.fastForward(31_000);
    await expect.poll(() => page.locator('.pin-keypad').getByRole('button', { name: '1', exact: true }).isDisabled()).toBe(false);
    await tapPin(page, TEST_TEACHER_PIN);
    await expect.poll(() => page.getByTestId('student-mode-badge').count()).toBe(0);
    expect(await page.getByRole('tab', { name: '今日课表' }).count()).toBe(1);
    await context.close();
  });

  it('a forgotten teacher PIN is recovered with the IT PIN, and a new one is set at the next hand-over', async () => {
    const context = await classroomContext(system.browser);
    const page = await context.newPage();
    await page.goto(`${system.renderer.url}?hub=${encodeURIComponent(system.hub.url)}`);
    await enrollInPage(page, 'DEMO-ZJ-2');
    await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 20_000 }).toContain('已同步');
    await handOverToStudents(page);

    await page.getByTestId('teacher-unlock-open').click();
    await page.getByTestId('unlock-switch').click();
    await tapPin(page, '1357'); // a pupil's guess at the IT PIN counts as a wrong try too
    await expect.poll(() => page.getByTestId('unlock-error').textContent()).toBe('管理员密码不对，还可以再试 4 次。');
    await tapPin(page, TEST_IT_PIN);
    await expect.poll(() => page.getByTestId('student-mode-badge').count()).toBe(0);
    expect(await page.getByRole('tab', { name: '今日课表' }).count()).toBe(1);

    await page.getByRole('tab', { name: '复习' }).click();
    await page.getByTestId('practice-entry').click();
    await page.getByTestId('set-teacher-pin').waitFor(); // the forgotten PIN is gone: a new one is asked for
    expect(await page.getByTestId('student-mode-badge').count()).toBe(0);
    await context.close();
  });
});
