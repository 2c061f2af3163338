// The silent-feed rule on a fake clock: declared silent once the county has had something on air for 5 s and no RTP
// reached the edge; never while nothing is on air; never once RTP has arrived; a failed look is logged, not fatal.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchFeedArrives } from './edge-feed-watch.ts';

const SILENT_MS = 5_000;

function watch(bytes: () => Promise<number | null>) {
  const silences: number[] = [];
  const logs: string[] = [];
  const stop = watchFeedArrives({
    bytes,
    silentMs: SILENT_MS,
    checkEveryMs: 1_000,
    now: () => Date.now(),
    timers: { setInterval: (f, ms) => setInterval(f, ms), clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>) },
    onSilent: (ms) => silences.push(ms),
    log: (line) => logs.push(line),
  });
  return { silences, logs, stop };
}

describe('watchFeedArrives (fake timers)', () => {
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

  it('is satisfied for good once RTP arrives', async () => {
    let bytes = 0;
    const w = watch(async () => bytes);
    await vi.advanceTimersByTimeAsync(3_000);
    bytes = 1_200;
    await vi.advanceTimersByTimeAsync(1_000);
    bytes = 0; // (cannot go back; a new transport gets a new watch)
    await vi.advanceTimersByTimeAsync(30_000);
    expect(w.silences).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
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
