import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { afterHubExit, superviseHub } from './hub-supervisor.ts';

describe('afterHubExit', () => {
  it.each([
    [{ code: 0, signal: null }, 0, { action: 'stay-down' }],
    [{ code: 1, signal: null }, 0, { action: 'restart', delayMs: 1000 }],
    [{ code: null, signal: 'SIGKILL' as const }, 0, { action: 'restart', delayMs: 1000 }],
    [{ code: null, signal: 'SIGKILL' as const }, 3, { action: 'restart', delayMs: 8000 }],
    [{ code: 1, signal: null }, 20, { action: 'restart', delayMs: 30000 }],
  ])('%o after %i crashes → %o', (exit, crashes, expected) => {
    expect(afterHubExit(exit, crashes)).toEqual(expected);
  });

  it('takes the shared backoff: jittered ×0.5–1.5 when given randomness', () => {
    expect(afterHubExit({ code: 1, signal: null }, 3, () => 0)).toEqual({ action: 'restart', delayMs: 4000 });
    expect(afterHubExit({ code: 1, signal: null }, 20, () => 1)).toEqual({ action: 'restart', delayMs: 45000 });
  });
});

function fakeChild(pid: number): ChildProcess {
  const child = new EventEmitter() as ChildProcess;
  Object.assign(child, { pid, exitCode: null, signalCode: null, kill: () => true });
  return child;
}

describe('superviseHub (fake spawn and timers)', () => {
  it('starts a crashed hub again, leaves a hub stopped on purpose down', () => {
    const children: ChildProcess[] = [];
    const timers: { fn: () => void; ms: number }[] = [];
    const log: string[] = [];
    let clock = 0;
    superviseHub({
      spawnHub: () => {
        const c = fakeChild(100 + children.length);
        children.push(c);
        return c;
      },
      log: (l) => log.push(l),
      now: () => clock,
      setTimer: (fn, ms) => timers.push({ fn, ms }),
    });
    expect(children).toHaveLength(1);
    children[0]?.emit('exit', null, 'SIGKILL');
    expect(timers.map((t) => t.ms)).toEqual([1000]);
    timers.shift()?.fn();
    expect(children).toHaveLength(2);
    clock += 5_000;
    children[1]?.emit('exit', 1, null); // crashed again soon: a longer pause
    expect(timers.map((t) => t.ms)).toEqual([2000]);
    timers.shift()?.fn();
    clock += 120_000;
    children[2]?.emit('exit', 1, null); // after a long healthy run the pause is short again
    expect(timers.map((t) => t.ms)).toEqual([1000]);
    timers.shift()?.fn();
    children[3]?.emit('exit', 0, null);
    expect(timers).toHaveLength(0);
    expect(children).toHaveLength(4);
    expect(log.at(-1)).toContain('stays up');
  });
});
