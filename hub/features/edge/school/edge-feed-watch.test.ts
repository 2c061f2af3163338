// The silent-feed rule on a fake clock: declared silent once the county has had something on air for 5 s and no RTP
// reached the edge, or RTP came and then none for 10 s while still on air; never while nothing is on air, nor while RTP
// keeps moving; a failed look is logged, not fatal.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchFeed, type FeedSilence } from './edge-feed-watch.ts';

const SILENT_MS = 5_000;
const STOPPED_MS = 10_000;

function watch(bytes: () => Promise<number | null>) {
  const found: FeedSilence[] = [];
  const logs: string[] = [];
  const stop = watchFeed({
    bytes,
    silentMs: SILENT_MS,
    stoppedMs: STOPPED_MS,
    checkEveryMs: 1_000,
    now: () => Date.now(),
    timers: { setInterval: (f, ms) => setInterval(f, ms), clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>) },
    onSilent: (silence) => found.push(silence),
    log: (line) => logs.push(line),
  });
  return { get silences() { return found.filter((f) => f.kind === 'never_arrived').map((f) => f.waitedMs); }, found, logs, stop };
}

describe('watchFeed (fake timers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('declares a feed silent once, 5 s after something went on air with no RTP', async () => {
    const w = watch(async () => 0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(w.silences).toEqual([]); // first look at 1 s starts the wait
    await vi.advanceTimersByTimeAsync(1_000);
    expect(w.silences).toEqual([SILENT_MS]);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(w.silences).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says nothing while RTP keeps moving, whatever its count does (a producer replaced starts again lower)', async () => {
    let bytes = 0;
    const w = watch(async () => bytes);
    await vi.advanceTimersByTimeAsync(3_000);
    for (let i = 0; i < 60; i++) {
      bytes = i === 30 ? 500 : bytes + 1_200;
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(w.found).toEqual([]);
    w.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('declares a feed silent once when RTP stops mid-lesson for 10 s while the county is on air', async () => {
    let bytes = 0;
    const w = watch(async () => bytes);
    for (let i = 0; i < 20; i++) {
      bytes += 1_200;
      await vi.advanceTimersByTimeAsync(1_000);
    }
    // Stops: last moved at the 20th look; silent 10 s later, not 5 (it worked, so a short gap is not a broken path).
    await vi.advanceTimersByTimeAsync(9_000);
    expect(w.found).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(w.found).toEqual([{ kind: 'stopped', waitedMs: STOPPED_MS }]);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(w.found).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not count a stop while nothing is on air (the lesson ended), and watches the next stretch on air afresh', async () => {
    let bytes: number | null = 0;
    const w = watch(async () => bytes);
    for (let i = 0; i < 5; i++) {
      bytes = (bytes ?? 0) + 1_200;
      await vi.advanceTimersByTimeAsync(1_000);
    }
    bytes = null; // off air: the producers are gone
    await vi.advanceTimersByTimeAsync(60_000);
    expect(w.found).toEqual([]);
    bytes = 0; // on air again, and this time nothing comes: 5 s, as for a feed that never worked
    await vi.advanceTimersByTimeAsync(6_000);
    expect(w.found).toEqual([{ kind: 'never_arrived', waitedMs: SILENT_MS }]);
  });

  it('expects nothing while nothing is on air, and waits afresh when it comes on', async () => {
    let bytes: number | null = null;
    const w = watch(async () => bytes);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(w.silences).toEqual([]);
    bytes = 0;
    await vi.advanceTimersByTimeAsync(3_000);
    bytes = null; // off air again: the wait is reset
    await vi.advanceTimersByTimeAsync(3_000);
    bytes = 0;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(w.silences).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(w.silences).toEqual([SILENT_MS]);
  });

  it('logs a failed look and keeps watching; stop ends it', async () => {
    let fail = true;
    const w = watch(async () => {
      if (fail) throw new Error('producer closed');
      return 0;
    });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(w.logs).toEqual(['edge: live feed watch: producer closed', 'edge: live feed watch: producer closed']);
    fail = false;
    w.stop();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(w.silences).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
