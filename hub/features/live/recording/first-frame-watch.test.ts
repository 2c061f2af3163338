// The first-frame watch on a fake clock: a segment whose first key frame was lost asks again until its files have
// their first bytes, a bounded number of times; a segment that starts well is never asked again.
import { describe, expect, it } from 'vitest';
import type { Timers } from '../../../../src/shared/timers.ts';
import { watchFirstFrames } from './first-frame-watch.ts';

function manualTimers() {
  let pending: { fn: () => void; ms: number; handle: number } | null = null;
  let next = 0;
  const timers: Timers = {
    setTimeout: (fn, ms) => (pending = { fn, ms, handle: ++next }).handle,
    clearTimeout: (handle) => {
      if (pending?.handle === handle) pending = null;
    },
  };
  /** Runs the pending timer and lets the watch's awaits settle. */
  const fire = async () => {
    const due = pending;
    pending = null;
    due?.fn();
    for (let i = 0; i < 10; i++) await Promise.resolve();
    return due?.ms ?? null;
  };
  return { timers, fire, pending: () => pending };
}

describe('first-frame watch', () => {
  it('asks for key frames every 2 s while nothing is written, and stops once the files have bytes', async () => {
    const clock = manualTimers();
    let written = false;
    let asks = 0;
    const lines: string[] = [];
    const watch = watchFirstFrames({ written: async () => written, askKeyFrame: async () => void asks++, timers: clock.timers, log: (l) => lines.push(l) });
    expect(await clock.fire()).toBe(2_000);
    expect(asks).toBe(1);
    await clock.fire();
    expect(asks).toBe(2);
    written = true;
    await clock.fire();
    expect(asks).toBe(2);
    expect(await watch.done).toBe('written');
    expect(clock.pending()).toBeNull();
    expect(lines.at(-1)).toContain('written after 2 more key frame request(s)');
  });

  it('never asks again when the segment starts well, and says nothing', async () => {
    const clock = manualTimers();
    let asks = 0;
    const lines: string[] = [];
    const watch = watchFirstFrames({ written: async () => true, askKeyFrame: async () => void asks++, timers: clock.timers, log: (l) => lines.push(l) });
    await clock.fire();
    expect(await watch.done).toBe('written');
    expect(asks).toBe(0);
    expect(lines).toEqual([]);
  });

  it('gives up after maxAsks (a key frame goes to every classroom: not for the whole lesson), and says so', async () => {
    const clock = manualTimers();
    let asks = 0;
    const lines: string[] = [];
    const watch = watchFirstFrames({ written: async () => false, askKeyFrame: async () => void asks++, timers: clock.timers, log: (l) => lines.push(l), maxAsks: 3 });
    for (let i = 0; i < 6; i++) await clock.fire();
    expect(asks).toBe(3);
    expect(await watch.done).toBe('gave_up');
    expect(lines.at(-1)).toContain('nothing written after 3 key frame requests');
  });

  it('keeps going when a request or a file check fails (logged), and stops at once when the segment stops', async () => {
    const clock = manualTimers();
    let checks = 0;
    const lines: string[] = [];
    const watch = watchFirstFrames({
      written: async () => {
        if (++checks === 1) throw new Error('EACCES');
        return false;
      },
      askKeyFrame: async () => {
        throw new Error('consumer closed');
      },
      timers: clock.timers,
      log: (l) => lines.push(l),
    });
    await clock.fire();
    await clock.fire();
    expect(lines.some((l) => l.includes('EACCES'))).toBe(true);
    expect(lines.some((l) => l.includes('key frame request failed: consumer closed'))).toBe(true);
    expect(clock.pending()).not.toBeNull();
    watch.stop();
    expect(await watch.done).toBe('stopped');
    expect(clock.pending()).toBeNull();
  });
});
