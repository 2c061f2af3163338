// A board the class can see: on every screen (enrollment, timetable, lesson tabs, player, PDF, 复习, 同步详情, 管理员,
// live, and the students' side: the teacher PIN, name tiles, a student's page, a question, the unlock keypad), at a
// 1366×768 classroom PC and a 1920×1080 touch board, every visible control is at least 48×48 px, and the board's larger
// screen gets larger type. On each screen too: every form's primary action is in view without scrolling, and no Latin
// word is left for a teacher to puzzle over (issue #21: 注册本机 below the fold, "PIN").
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginDemoMathLesson } from '../support/demo-lesson-begun.ts';
import { startLoopbackSystem, type LoopbackSystem } from '../support/loopback-system.ts';
import { tourScreens } from '../support/screen-tour.ts';
import { formatFindings, latinWords, primaryActionsOutOfView, type ScreenFinding } from '../support/screen-text.ts';
import { formatSmall, smallControls, type SmallControl } from '../support/touch-targets.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
/** The demo's 英语 lessons are titled in English (hub/features/demo/seed-demo.ts): course content, not the app's wording. */
const ENGLISH_LESSON_TITLES = [/Unit \d [A-Za-z ?']+/g];
let system: LoopbackSystem;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  system = await startLoopbackSystem('ykt-touch-', 'touch-admin-token-0123456789abcdef');
  await beginDemoMathLesson(system.hub.url, system.hub.adminToken); // the tour's 学生主页 has a lesson to practise
});
afterAll(() => system?.close());

describe('touch targets on every screen', () => {
  it.each([
    [1366, 768],
    [1920, 1080],
  ])('no control below 48×48 px, no action below the fold, no Latin word at %i×%i', async (width, height) => {
    const context = await system.browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width, height } });
    const page = await context.newPage();
    const small: SmallControl[] = [];
    const screens: string[] = [];
    const fontSizes: number[] = [];
    const belowFold: ScreenFinding[] = [];
    const latin: ScreenFinding[] = [];
    await tourScreens(page, `${system.renderer.url}?hub=${encodeURIComponent(system.hub.url)}`, async (screen) => {
      screens.push(screen);
      small.push(...(await smallControls(page, screen)));
      belowFold.push(...(await primaryActionsOutOfView(page, screen)));
      latin.push(...(await latinWords(page, screen, ENGLISH_LESSON_TITLES)));
      fontSizes.push(await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize)));
      await page.screenshot({ path: join(ARTIFACTS, `touch-${width}-${screens.length}-${screen}.png`) });
    });
    expect(screens).toHaveLength(18);
    expect(small, formatSmall(small)).toEqual([]);
    expect([...belowFold, ...latin], formatFindings([...belowFold, ...latin])).toEqual([]);
    // The board scales type up; the PC keeps the base size.
    expect(new Set(fontSizes)).toEqual(new Set([width >= 1700 ? 22 : 18]));
    await context.close();
  });
});
