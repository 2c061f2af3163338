import { describe, expect, it } from 'vitest';
import { compareHlc, decodeHlc, encodeHlc, HlcClock, MAX_DRIFT_MS, MAX_HLC_AHEAD_MS } from './hlc.ts';

describe('hybrid logical clock', () => {
  it('encodes so that string order is time order', () => {
    const a = encodeHlc({ wallMs: 999, counter: 0xffff, node: 'z' });
    const b = encodeHlc({ wallMs: 1000, counter: 0, node: 'a' });
    expect(compareHlc(a, b)).toBe(-1);
    expect(decodeHlc(b)).toEqual({ wallMs: 1000, counter: 0, node: 'a' });
    expect(decodeHlc('garbage')).toBeNull();
  });

  it('never goes backwards when the wall clock does', () => {
    let wall = 5000;
    const clock = new HlcClock('dev1', () => wall);
    const seen: string[] = [];
    for (const w of [5000, 5000, 4000, 6000, 1000, 6000]) {
      wall = w;
      seen.push(clock.tick());
    }
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('orders a local event after a remote one it has seen, even if the remote clock is ahead', () => {
    const clock = new HlcClock('b', () => 1000);
    const remote = encodeHlc({ wallMs: 50_000, counter: 3, node: 'a' });
    clock.receive(remote);
    expect(compareHlc(clock.tick(), remote)).toBe(1);
  });

  it('ignores a remote clock more than a day ahead', () => {
    const clock = new HlcClock('b', () => 1000);
    clock.receive(encodeHlc({ wallMs: 1000 + MAX_DRIFT_MS + 1, counter: 0, node: 'a' }));
    expect(decodeHlc(clock.tick())?.wallMs).toBe(1000);
  });

  it('forgets a last timestamp too far ahead once the clock has been checked (a PC clock that ran fast)', () => {
    const year = 365 * 24 * 3600 * 1000;
    let wall = 1_000_000 + year;
    const clock = new HlcClock('b', () => wall);
    const ahead = clock.tick();
    wall = 1_000_000; // the hub said the real time
    expect(compareHlc(clock.tick(), ahead)).toBe(1); // unchecked, it never goes backwards
    expect(clock.rewindIfAhead()).toBe(true);
    expect(decodeHlc(clock.tick())?.wallMs).toBe(1_000_000);
  });

  it('keeps a last timestamp within the bound when rewinding', () => {
    let wall = 1_000_000 + MAX_HLC_AHEAD_MS;
    const clock = new HlcClock('b', () => wall);
    const last = clock.tick();
    wall = 1_000_000;
    expect(clock.rewindIfAhead()).toBe(false);
    expect(compareHlc(clock.tick(), last)).toBe(1);
  });

  it('property: ticks interleaved with random receives are strictly increasing', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let wall = 10_000;
    const clock = new HlcClock('n1', () => wall);
    let previous = '';
    for (let i = 0; i < 5000; i++) {
      wall += Math.floor(rand() * 5) - 2; // jittery, sometimes backwards
      if (rand() < 0.3) clock.receive(encodeHlc({ wallMs: wall + Math.floor(rand() * 2000) - 1000, counter: Math.floor(rand() * 10), node: 'n2' }));
      const t = clock.tick();
      expect(compareHlc(t, previous)).toBe(1);
      previous = t;
    }
  });
});
