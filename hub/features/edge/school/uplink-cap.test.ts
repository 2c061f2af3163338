// The edge's uplink cap with a fake clock: a second's worth goes at once, then requests wait in order for tokens.
import { describe, expect, it } from 'vitest';
import { createUplinkCap } from './uplink-cap.ts';

describe('uplink cap', () => {
  it('lets a burst of one second through, then paces requests in order', async () => {
    let clock = 0;
    const slept: number[] = [];
    const cap = createUplinkCap(100_000, () => clock, async (ms) => {
      slept.push(ms);
      clock += ms;
    });
    const done: number[] = [];
    await Promise.all([1, 2, 3].map((n) => cap.take(50_000).then(() => done.push(n))));
    expect(done).toEqual([1, 2, 3]);
    expect(slept).toEqual([500]);
    expect(clock).toBe(500);
  });

  it('never waits without a cap', async () => {
    const cap = createUplinkCap(null, () => 0, () => Promise.reject(new Error('slept')));
    await expect(cap.take(10_000_000)).resolves.toBeUndefined();
  });
});
