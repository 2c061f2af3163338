import { describe, expect, it } from 'vitest';
import { afterRefusal, defaultOutboxRetry } from './outbox-retry.ts';

const T = Date.parse('2026-11-25T02:00:00Z');
const mid = () => 0.5;

describe('afterRefusal', () => {
  it.each([
    [1, { status: 'pending', retryAt: T + 60_000 }],
    [2, { status: 'pending', retryAt: T + 120_000 }],
    [3, { status: 'pending', retryAt: T + 240_000 }],
    [4, { status: 'pending', retryAt: T + 480_000 }],
    [5, { status: 'failed' }],
    [9, { status: 'failed' }],
  ])('refusal number %i → %o', (attempts, expected) => {
    expect(afterRefusal(attempts, T, mid)).toEqual(expected);
  });

  it('jitters the wait within ×0.5–1.5 and honours a custom cap', () => {
    expect(afterRefusal(1, T, () => 0)).toEqual({ status: 'pending', retryAt: T + 30_000 });
    expect(afterRefusal(1, T, () => 0.999)).toMatchObject({ status: 'pending' });
    expect(afterRefusal(2, T, mid, { ...defaultOutboxRetry, maxAttempts: 2 })).toEqual({ status: 'failed' });
  });
});
