// 练习 rules, pure so both the classroom PC and the hub read them alike and tables test them: when a wrong question
// comes back (错题本: next day, then 3 days, then a week), when a lesson counts as mastered, and who is stuck where.

export const DAY_MS = 86_400_000;
/** Days until a wrong question comes back, by how many times in a row it has since been answered right. */
export const REVIEW_STEPS_DAYS = [1, 3, 7] as const;
/** A lesson is mastered once its latest this many practice answers are all right. */
export const MASTERY_STREAK = 3;
/** A question a student got wrong this often, and has not got right since, is where they are stuck. */
export const STUCK_AFTER_WRONG = 2;

/** A question in a student's 错题本: `step` counts the right answers since it was last wrong. */
export type ReviewEntry = { step: number; dueAt: number };

/**
 * The 错题本 entry after an answer: a wrong answer (re)starts the schedule (back tomorrow); a right one moves a
 * question already in the book one step on, and takes it out after the last step. Returns null when not in the book.
 */
export function nextReview(entry: ReviewEntry | null, correct: boolean, nowMs: number): ReviewEntry | null {
  if (!correct) return { step: 0, dueAt: nowMs + (REVIEW_STEPS_DAYS[0] ?? 1) * DAY_MS };
  if (!entry) return null;
  // Answered before it was due (e.g. in ordinary practice): right, but the spacing has not been shown yet — keep it.
  if (nowMs < entry.dueAt) return entry;
  const step = entry.step + 1;
  const days = REVIEW_STEPS_DAYS[step];
  return days === undefined ? null : { step, dueAt: nowMs + days * DAY_MS };
}

export const isDue = (entry: ReviewEntry, nowMs: number) => entry.dueAt <= nowMs;

/** Mastered: the latest MASTERY_STREAK answers (oldest first in `results`) are all right. */
export function isMastered(results: readonly boolean[]): boolean {
  return results.length >= MASTERY_STREAK && results.slice(-MASTERY_STREAK).every(Boolean);
}

/** Questions (by key) answered wrong at least STUCK_AFTER_WRONG times and not right since the last wrong answer. */
export function stuckQuestions(attempts: readonly { question: string; correct: boolean }[]): string[] {
  const state = new Map<string, { wrong: number; rightSince: boolean }>();
  for (const a of attempts) {
    const s = state.get(a.question) ?? { wrong: 0, rightSince: false };
    if (a.correct) s.rightSince = true;
    else {
      s.wrong += 1;
      s.rightSince = false;
    }
    state.set(a.question, s);
  }
  return [...state].filter(([, s]) => s.wrong >= STUCK_AFTER_WRONG && !s.rightSince).map(([q]) => q);
}

/** Whether an exam takes answers at `nowMs`: [opensAt, closesAt). */
export function examOpen(exam: { opensAt: string; closesAt: string }, nowMs: number): boolean {
  return nowMs >= Date.parse(exam.opensAt) && nowMs < Date.parse(exam.closesAt);
}

/**
 * A submission stamped this long after closesAt is still taken (by the PC and by the hub): a paper whose time ran out
 * as the window closed is handed in a moment later, by the runner's tick or the PC's sweep (practice-repo).
 */
export const EXAM_SUBMIT_GRACE_MS = 60_000;

/** Whether a submission stamped at `nowMs` is taken: from opensAt until the grace after closesAt. */
export function examTakesSubmission(exam: { opensAt: string; closesAt: string }, nowMs: number): boolean {
  return nowMs >= Date.parse(exam.opensAt) && nowMs <= Date.parse(exam.closesAt) + EXAM_SUBMIT_GRACE_MS;
}

/** When a sitting begun at `startedAt` must be handed in: its paper's time is up, or the window closes, whichever first. */
export function examDeadlineMs(exam: { closesAt: string; durationSec: number }, startedAt: number): number {
  return Math.min(startedAt + exam.durationSec * 1000, Date.parse(exam.closesAt));
}

/** Scores a set of 考核 answers against the key (scored only on the hub). */
export function scoreExam(key: readonly number[], answers: readonly (number | null)[]): { correct: number; total: number } {
  return { correct: key.filter((k, i) => answers[i] === k).length, total: key.length };
}
