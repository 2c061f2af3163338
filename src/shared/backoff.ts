// The one capped exponential backoff with jitter (downloads, outbox retries): min, 2×min, 4×min … ≤ max, each ×0.5–1.5
// so that many classroom PCs do not retry in step.

export type BackoffRange = { minMs: number; maxMs: number };

export const defaultBackoff: BackoffRange = { minMs: 1000, maxMs: 30_000 };

/** Delay before retry number `attempt` (1 = the first retry). */
export function backoffMs(attempt: number, random: () => number = Math.random, { minMs, maxMs }: BackoffRange = defaultBackoff): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(0, attempt - 1), 30));
  return Math.round(base * (0.5 + random()));
}
