// Students' 练习 on the shared PC, in the real renderer on the weak link (1 Mbit/s, 300 ms RTT; tests/net):
// - practice.questionToFeedbackMs: a tap on a choice to the right/wrong and 解析 on screen (median of 30 taps, measured
//   in the page from the click event to the next frame with the feedback drawn);
// - practice.bytesPerAttempt: compressed push bytes per practice.attempt op as the hub received them (10 000 attempts);
// - practice.syncAttempts10kDrainRatioVsWire: the drain of 10 000 queued attempts over what their bytes need on the link.
import type { Page } from 'playwright-core';
import type { TestHooks } from '../tests/chaos/chaos-page.ts';
import { startAppOnWeakLink } from '../tests/support/app-on-weak-link.ts';
import { contentDownloaded, drain } from './sync.bench.ts';

const RATE_KBIT = 1000;
const TAPS = 30;

/** Queues `count` attempts by the class's students on the lessons' question banks (deterministic). */
async function queueAttempts(page: Page, count: number) {
  await page.evaluate(async (n) => {
    const { db, session } = (window as unknown as { yktTest: TestHooks }).yktTest;
    const [students, quizzes] = await Promise.all([db.students.toArray(), db.quizzes.toArray()]);
    let state = 7;
    const random = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 4_294_967_296);
    const pick = <T,>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
    for (let i = 0; i < n; i++) {
      const quiz = pick(quizzes);
      const question = pick(quiz.questions);
      await session.records().recordAttempt({ studentId: pick(students).id, quiz, questionId: question.id, choice: Math.floor(random() * question.choices.length), seconds: 5 + Math.floor(random() * 60) });
    }
  }, count);
}

/** Taps a choice and waits, in the page, for the frame that shows the feedback. */
async function tapToFeedbackMs(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const choice = document.querySelector<HTMLButtonElement>('[data-testid="practice-choice"]');
        const start = performance.now();
        choice?.click();
        const check = () => (document.querySelector('[data-testid="practice-feedback"]') ? resolve(performance.now() - start) : requestAnimationFrame(check));
        requestAnimationFrame(check);
      }),
  );
}

export async function run(): Promise<Record<string, number>> {
  const app = await startAppOnWeakLink({ rateKbit: RATE_KBIT, rttMs: 300, lossPct: 0 });
  const { page } = app;
  try {
    await contentDownloaded(app); // the figures are the attempts' own: a link carrying nothing else
    await page.getByRole('tab', { name: '复习' }).click();
    await page.getByTestId('practice-entry').click();
    await page.getByTestId('student-tile').first().click();
    const times: number[] = [];
    for (let lesson = 0; times.length < TAPS; lesson++) {
      await page.getByTestId('practice-lesson').nth(lesson).click();
      while ((await page.getByTestId('practice-question').count()) > 0) {
        times.push(await tapToFeedbackMs(page));
        await page.getByTestId('practice-next').click();
      }
      await page.getByRole('button', { name: '返回', exact: true }).click();
    }
    times.sort((a, b) => a - b);
    const quiet = await drain(app, 5, false, (count) => queueAttempts(page, count));
    const wireMs = (quiet.pushBytes * 8) / RATE_KBIT;
    const attempts = (JSON.parse(quiet.body) as { ops: unknown[] }).ops.length;
    return {
      'practice.questionToFeedbackMs': Number((times[Math.floor(times.length / 2)] ?? 0).toFixed(1)),
      'practice.questionToFeedbackP95Ms': Number((times[Math.floor(times.length * 0.95)] ?? 0).toFixed(1)),
      'practice.bytesPerAttempt': Number((quiet.pushBytes / attempts).toFixed(1)),
      'practice.rawBytesPerAttempt': Number((quiet.body.length / attempts).toFixed(1)),
      'practice.syncAttempts10kDrainMs': quiet.drainMs,
      'practice.syncAttempts10kDrainRatioVsWire': Number((quiet.drainMs / wireMs).toFixed(2)),
    };
  } finally {
    await app.close();
  }
}
