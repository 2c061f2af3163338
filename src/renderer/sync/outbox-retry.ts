// What becomes of an op the hub answered without accepting (refused it, or left it out of its answer): it waits out a
// jittered backoff and is sent again, a few times; then it is `failed` — kept, listed on 同步详情 with 重试 and 导出 —
// so one op the hub keeps refusing is neither resent for ever nor dropped. A request that fails as a whole (offline,
// hub down) is no op's fault and counts against none: the sync loop backs off instead, however long the outage.
import { backoffMs, type BackoffRange } from '../../shared/backoff.ts';

export type OutboxRetryPolicy = { maxAttempts: number; backoff: BackoffRange };

/** 1, 2, 4, 8 min between tries (×0.5–1.5): a refusal that lasts about a quarter of an hour is shown as failed. */
export const defaultOutboxRetry: OutboxRetryPolicy = { maxAttempts: 5, backoff: { minMs: 60_000, maxMs: 30 * 60_000 } };

export type AfterRefusal = { status: 'pending'; retryAt: number } | { status: 'failed' };

/** `attempts` counts this refusal too (1 after the first). */
export function afterRefusal(attempts: number, nowMs: number, random: () => number, policy: OutboxRetryPolicy = defaultOutboxRetry): AfterRefusal {
  if (attempts >= policy.maxAttempts) return { status: 'failed' };
  return { status: 'pending', retryAt: nowMs + backoffMs(attempts, random, policy.backoff) };
}
