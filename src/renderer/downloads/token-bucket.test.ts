import { describe, expect, it } from 'vitest';
import { createTokenBucket } from './token-bucket.ts';

describe('token bucket', () => {
  it('lets one second of burst through, then makes requests wait bytes / rate', async () => {
    let t = 0;
    const waits: number[] = [];
    const bucket = createTokenBucket(100_000, () => t, (ms) => (waits.push(ms), Promise.resolve()));
    await bucket.take(100_000);
    await bucket.take(50_000);
    expect(waits).toEqual([500]);
    t += 2000; // two seconds idle refill only up to the one-second burst
    await bucket.take(100_000);
    expect(waits).toEqual([500]);
  });

  it('never waits without a cap', async () => {
    const waits: number[] = [];
    const bucket = createTokenBucket(null, () => 0, (ms) => (waits.push(ms), Promise.resolve()));
    await bucket.take(10_000_000);
    expect(waits).toEqual([]);
  });
});
