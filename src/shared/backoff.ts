// Capped exponential backoff with jitter: min, 2·min, 4·min … ≤ max, each drawn from [½, 1] of that step so that many
// classrooms retrying against one hub do not retry in step. Pure; randomness is a parameter.
export function jitteredBackoffMs(attempt: number, o: { minMs: number; maxMs: number; random: () => number }): number {
  const base = Math.min(o.maxMs, o.minMs * 2 ** Math.min(Math.max(0, attempt), 20));
  return base / 2 + (o.random() * base) / 2;
}
