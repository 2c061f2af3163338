// When a student left signed in on the shared PC is signed out: after this long without a tap, so the next student
// never answers (or sees results) in someone else's name.
export const IDLE_SIGN_OUT_MS = 3 * 60_000;

export const idleExpired = (lastActiveAt: number, nowMs: number, limitMs = IDLE_SIGN_OUT_MS) => nowMs - lastActiveAt >= limitMs;

/** The letter of a choice (A, B, …), as on paper. */
export const choiceLetter = (index: number) => String.fromCharCode(65 + index);

/** The tile colour of a student: stable per id, from a small palette with white text readable on each. */
const PALETTE = ['#1565c0', '#2e7d32', '#c62828', '#6a1b9a', '#ef6c00', '#00838f', '#4e342e', '#ad1457'];
export function tileColour(studentId: string): string {
  let h = 0;
  for (const c of studentId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length] ?? '#1565c0';
}
