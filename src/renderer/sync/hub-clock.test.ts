// The hub clock: offset from one answer (middle of the round trip), noise ignored, a year either way.
import { describe, expect, it } from 'vitest';
import { createHubClock, offsetOf } from './hub-clock.ts';

const YEAR = 365 * 24 * 3600 * 1000;
const HUB = Date.parse('2026-11-25T02:00:00Z');

describe('hub clock', () => {
  it.each([
    ['a PC a year ahead', HUB + YEAR, -YEAR],
    ['a PC a year behind', HUB - YEAR, YEAR],
    ['a PC on time', HUB, 0],
  ])('%s: now() is the hub’s time', (_name, pcMs, expectedOffset) => {
    let pc = pcMs;
    const clock = createHubClock(() => new Date(pc));
    // A 2 s round trip, answered in its middle.
    clock.observe({ hubMs: HUB + 1000, sentMs: pc, receivedMs: pc + 2000 });
    expect(clock.offsetMs()).toBe(expectedOffset);
    pc += 60_000;
    expect(clock.now().getTime()).toBe(HUB + 60_000);
  });

  it('takes the middle of the round trip', () => {
    expect(offsetOf({ hubMs: 10_500, sentMs: 0, receivedMs: 1000 })).toBe(10_000);
  });

  it('ignores changes under a second (round-trip noise), follows larger ones', () => {
    const clock = createHubClock(() => new Date(HUB));
    clock.observe({ hubMs: HUB + 400, sentMs: HUB, receivedMs: HUB });
    expect(clock.offsetMs()).toBe(0);
    clock.observe({ hubMs: HUB + 90_000, sentMs: HUB, receivedMs: HUB });
    expect(clock.offsetMs()).toBe(90_000);
  });

  it('restores a persisted offset', () => {
    const clock = createHubClock(() => new Date(HUB + YEAR));
    clock.restore(-YEAR);
    expect(clock.now().getTime()).toBe(HUB);
  });
});
