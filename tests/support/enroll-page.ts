// Enrolls the classroom PC through the real enrollment form, as school IT does: hub address (prefilled from ?hub=),
// the hub's code, and the 管理员 PIN that whoever enrolls the PC sets (asked for only while none is set).
import type { Page } from 'playwright-core';

export const TEST_IT_PIN = '2468';

export async function enrollInPage(page: Page, code: string, pin = TEST_IT_PIN): Promise<void> {
  await page.getByLabel('注册码').fill(code);
  if ((await page.getByLabel('再次输入密码').count()) > 0) {
    await page.getByLabel('管理员密码', { exact: true }).fill(pin);
    await page.getByLabel('再次输入密码').fill(pin);
  }
  await page.getByRole('button', { name: '注册本机' }).click();
}
