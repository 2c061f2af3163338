// How many wrong PINs the 学生模式 keypad takes: 5 in a row, then 30 s before the next try. Pure, on a clock passed
// in, so the rule has table tests; the state is persisted (Dexie meta) so a pupil cannot reset it by reloading.
export const MAX_WRONG_IN_A_ROW = 5;
export const LOCKOUT_MS = 30_000;

/** `wrong`: wrong tries since the last right one or the last wait; `lockedUntil`: ms epoch, or null. */
export type PinFailures = { wrong: number; lockedUntil: number | null };

export const NO_FAILURES: PinFailures = { wrong: 0, lockedUntil: null };

/** When the next try may be made: null if now. */
export function retryAt(failures: PinFailures, nowMs: number): number | null {
  return failures.lockedUntil !== null && nowMs < failures.lockedUntil ? failures.lockedUntil : null;
}

/** After a wrong PIN: the 5th in a row starts the wait and the count starts again after it. */
export function afterWrongPin(failures: PinFailures, nowMs: number): PinFailures {
  const wrong = failures.wrong + 1;
  return wrong >= MAX_WRONG_IN_A_ROW ? { wrong: 0, lockedUntil: nowMs + LOCKOUT_MS } : { wrong, lockedUntil: null };
}

/** Tries left before the wait. */
export const triesLeft = (failures: PinFailures) => MAX_WRONG_IN_A_ROW - failures.wrong;
