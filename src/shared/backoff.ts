// The one capped exponential backoff with jitter (downloads, outbox retries, sync loop, live reconnect, hub restarts,
// PostgreSQL transaction retries, load runs): min, 2×min, 4×min … ≤ max, each ×0.5–1.5 so that many classroom PCs (or
// two deadlocked transactions) do not retry in step. The mean delay is the base; randomness is a parameter.

export type BackoffRange = { minMs: number; maxMs: number };

export const defaultBackoff: BackoffRange = { minMs: 1000, maxMs: 30_000 };

/** A "random" that puts every delay at its base (×1): for a lone process that nothing else retries in step with, and
 *  for tests that want the schedule itself. */
export const noJitter = (): number => 0.5;

/** Delay before retry number `attempt` (1 = the first retry). */
export function backoffMs(attempt: number, random: () => number = Math.random, { minMs, maxMs }: BackoffRange = defaultBackoff): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  return Math.round(base * (0.5 + random()));
}
