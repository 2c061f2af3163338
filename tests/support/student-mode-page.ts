// 学生模式 in the real page, as a teacher does it: taps on the big keypad (never a filled input), the hand-over from
// 复习 → 学生练习 (setting the teacher PIN the first time), and the unlock dialog.
import type { Page } from 'playwright-core';

export const TEST_TEACHER_PIN = '8642';

/** Taps `pin` on the visible teacher keypad and 确定. */
export async function tapPin(page: Page, pin: string): Promise<void> {
  const pad = page.locator('.pin-keypad');
  for (const digit of pin) await pad.getByRole('button', { name: digit, exact: true }).click();
  await pad.getByTestId('pin-confirm').click();
}

/** From the timetable: 复习 → 学生练习; sets the teacher PIN if none is set, then waits for 学生模式. */
export async function handOverToStudents(page: Page, pin = TEST_TEACHER_PIN): Promise<void> {
  await page.getByRole('tab', { name: '复习' }).click();
  await page.getByTestId('practice-entry').click();
  await page.locator('[data-testid=student-mode-badge], [data-testid=set-teacher-pin]').first().waitFor();
  if ((await page.getByTestId('set-teacher-pin').count()) > 0) {
    await tapPin(page, pin);
    await page.locator('[data-testid=set-pin-step][data-step=again]').waitFor();
    await tapPin(page, pin);
  }
  await page.getByTestId('student-mode-badge').waitFor();
}
