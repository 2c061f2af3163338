import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '../stores/sync-status-store.ts';
import { HubRequestError } from './hub-client.ts';
import { noJitter } from '../../shared/backoff.ts';
import { createSyncLoop, type SyncLoopDeps } from './sync-loop.ts';

const T0 = new Date('2025-09-01T00:00:00.000Z');
const network = () => new HubRequestError('network', 'fetch failed');

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(overrides: Partial<SyncLoopDeps> = {}) {
  const syncOnce = vi.fn<() => Promise<void>>(() => Promise.resolve());
  const reports: Partial<SyncStatus>[] = [];
  /** Every delay the loop asked for, in order (timers still run on vitest's fake clock). */
  const delays: number[] = [];
  const loop = createSyncLoop({
    syncOnce,
    report: (patch) => reports.push(patch),
    now: () => new Date(),
    random: noJitter, // the middle of the jitter range: the delay is exactly the backoff base
    setTimer: (fn, ms) => {
      delays.push(ms);
      return setTimeout(fn, ms);
    },
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    ...overrides,
  });
  return { loop, syncOnce, reports, delays, lastReport: () => reports.at(-1) };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('sync loop', () => {
  it('syncs at start, reports syncing then synced, and schedules the heartbeat', async () => {
    const { loop, syncOnce, reports, delays } = setup();
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    expect(reports).toEqual([{ phase: 'syncing' }, { phase: 'synced', lastSyncAt: T0.toISOString(), lastError: null }]);
    expect(delays).toEqual([60_000]);
    loop.stop();
  });

  it('syncs again on every heartbeat', async () => {
    const { loop, syncOnce } = setup({ heartbeatMs: 10_000 });
    loop.start();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(syncOnce).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(syncOnce).toHaveBeenCalledTimes(4);
    loop.stop();
  });

  it('backs off exponentially from retryMinMs and caps at retryMaxMs while the hub is unreachable', async () => {
    const { loop, syncOnce, delays } = setup();
    syncOnce.mockRejectedValue(network());
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 7; i++) await vi.advanceTimersByTimeAsync(delays.at(-1) ?? 0);
    expect(delays).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
    expect(syncOnce).toHaveBeenCalledTimes(8);
    loop.stop();
  });

  it('waits the whole backoff before retrying', async () => {
    const { loop, syncOnce } = setup();
    syncOnce.mockRejectedValue(network());
    loop.start();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(syncOnce).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3_999);
    expect(syncOnce).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(syncOnce).toHaveBeenCalledTimes(3);
    loop.stop();
  });

  it('jitters each delay within ×0.5–1.5 of its base (the shared backoff) and never exceeds 1.5 × the cap', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const { loop, syncOnce, delays } = setup({ random, retryMinMs: 1_000, retryMaxMs: 20_000 });
    syncOnce.mockRejectedValue(network());
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 40; i++) await vi.advanceTimersByTimeAsync(delays.at(-1) ?? 0);
    expect(delays).toHaveLength(41);
    delays.forEach((delay, i) => {
      const base = Math.min(20_000, 1_000 * 2 ** i);
      expect(delay).toBeGreaterThanOrEqual(base / 2);
      expect(delay).toBeLessThanOrEqual(base * 1.5);
    });
    expect(delays.some((delay, i) => delay > Math.min(20_000, 1_000 * 2 ** i))).toBe(true); // above the base too: the mean is the base
    expect(new Set(delays.slice(10)).size).toBeGreaterThan(1); // jitter actually varies
    loop.stop();
  });

  it('after a success, returns to the heartbeat and restarts backoff from the minimum', async () => {
    const { loop, syncOnce, delays, lastReport } = setup();
    syncOnce.mockRejectedValueOnce(network()).mockRejectedValueOnce(network()).mockRejectedValueOnce(network());
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.advanceTimersByTimeAsync(4_000);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(syncOnce).toHaveBeenCalledTimes(4);
    expect(lastReport()).toEqual({ phase: 'synced', lastSyncAt: new Date(T0.getTime() + 14_000).toISOString(), lastError: null });
    expect(delays).toEqual([2_000, 4_000, 8_000, 60_000]);

    syncOnce.mockRejectedValueOnce(network());
    await vi.advanceTimersByTimeAsync(60_000);
    expect(delays.at(-1)).toBe(2_000);
    loop.stop();
  });

  it.each([
    ['network', 'offline'],
    ['internal', 'error'],
    ['invalid_response', 'error'],
  ] as const)('reports a %s failure as phase %s with the named reason, and keeps retrying', async (reason, phase) => {
    const { loop, syncOnce, lastReport, delays } = setup();
    syncOnce.mockRejectedValue(new HubRequestError(reason, `detail of ${reason}`, 500));
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(lastReport()).toEqual({ phase, lastError: { code: reason, detail: `detail of ${reason}` } });
    expect(delays).toEqual([2_000]);
    loop.stop();
  });

  it.each(['hub_too_old', 'client_too_old'] as const)('a protocol mismatch (%s) is reported as phase error and not retried: only an update helps', async (reason) => {
    const { loop, syncOnce, lastReport, delays } = setup();
    syncOnce.mockRejectedValue(new HubRequestError(reason, `detail of ${reason}`, 426));
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(lastReport()).toEqual({ phase: 'error', lastError: { code: reason, detail: `detail of ${reason}` } });
    expect(delays).toEqual([]);
    loop.stop();
  });

  it('a refusal seen by another hub call (a content download) is reported the same way, and stops the retries', async () => {
    const { loop, syncOnce, lastReport, delays } = setup();
    syncOnce.mockRejectedValueOnce(new HubRequestError('network', 'down'));
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(delays).toEqual([2_000]);
    loop.refuse(new HubRequestError('device_revoked', 'revoked by IT', 403));
    expect(lastReport()).toEqual({ phase: 'revoked', lastError: { code: 'device_revoked', detail: 'revoked by IT' } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(syncOnce).toHaveBeenCalledTimes(1); // the pending retry was dropped
    loop.stop();
  });

  it('reports an unexpected exception as an internal error and keeps retrying', async () => {
    const { loop, syncOnce, lastReport, delays } = setup();
    syncOnce.mockRejectedValueOnce(new TypeError('db is closed')).mockRejectedValueOnce('a thrown string');
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(lastReport()).toEqual({ phase: 'error', lastError: { code: 'internal', detail: 'db is closed' } });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(lastReport()).toEqual({ phase: 'error', lastError: { code: 'internal', detail: 'a thrown string' } });
    expect(delays).toEqual([2_000, 4_000]);
    loop.stop();
  });

  it.each(['device_revoked', 'unauthorized'] as const)('stops retrying when the hub answers %s', async (reason) => {
    const { loop, syncOnce, lastReport } = setup();
    syncOnce.mockRejectedValueOnce(network()).mockRejectedValue(new HubRequestError(reason, 'device was revoked by IT', 403));
    loop.start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(syncOnce).toHaveBeenCalledTimes(2);
    expect(lastReport()).toEqual({ phase: 'revoked', lastError: { code: reason, detail: 'device was revoked by IT' } });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(syncOnce).toHaveBeenCalledTimes(2);
  });

  it('a revoked answer to a manual sync also cancels the pending heartbeat', async () => {
    const { loop, syncOnce } = setup();
    loop.start();
    await vi.advanceTimersByTimeAsync(0); // synced; heartbeat pending
    syncOnce.mockRejectedValue(new HubRequestError('device_revoked', 'revoked', 403));
    await loop.syncNow(); // e.g. the browser's `online` event
    expect(syncOnce).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(syncOnce).toHaveBeenCalledTimes(2);
  });

  it('a manual sync can recover after revocation (e.g. after re-enrolment)', async () => {
    const { loop, syncOnce, lastReport, delays } = setup();
    syncOnce.mockRejectedValueOnce(new HubRequestError('unauthorized', 'bad token', 401));
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(lastReport()?.phase).toBe('revoked');
    await loop.syncNow();
    expect(lastReport()?.phase).toBe('synced');
    expect(delays).toEqual([60_000]);
    loop.stop();
  });

  it('runs one sync at a time: callers during a running sync share it', async () => {
    const { loop, syncOnce } = setup();
    const gate = deferred();
    syncOnce.mockReturnValueOnce(gate.promise);
    loop.start();
    const a = loop.syncNow();
    const b = loop.syncNow();
    expect(a).toBe(b);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    gate.resolve();
    await Promise.all([a, b]);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    // Once finished, the next call starts a new sync.
    await loop.syncNow();
    expect(syncOnce).toHaveBeenCalledTimes(2);
    loop.stop();
  });

  it('syncNow never rejects, even when the sync fails', async () => {
    const { loop, syncOnce } = setup();
    syncOnce.mockRejectedValue(new Error('boom'));
    await expect(loop.syncNow()).resolves.toBeUndefined();
  });

  it('a manual sync replaces the pending heartbeat instead of adding a second timer', async () => {
    const { loop, syncOnce } = setup();
    loop.start();
    await vi.advanceTimersByTimeAsync(30_000);
    await loop.syncNow();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(30_000); // the old heartbeat time: nothing happens
    expect(syncOnce).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(30_000); // 60 s after the manual sync
    expect(syncOnce).toHaveBeenCalledTimes(3);
    loop.stop();
  });

  it('stop() cancels the pending timer', async () => {
    const { loop, syncOnce } = setup();
    syncOnce.mockRejectedValue(network());
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    loop.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(syncOnce).toHaveBeenCalledTimes(1);
  });

  it('stop() during a running sync schedules nothing when it finishes', async () => {
    const { loop, syncOnce, delays } = setup();
    const gate = deferred();
    syncOnce.mockReturnValueOnce(gate.promise);
    loop.start();
    loop.stop();
    gate.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(delays).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('start() after stop() syncs immediately and resumes the heartbeat', async () => {
    const { loop, syncOnce, delays } = setup();
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    loop.stop();
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(syncOnce).toHaveBeenCalledTimes(2);
    expect(delays).toEqual([60_000, 60_000]);
    expect(vi.getTimerCount()).toBe(1);
    loop.stop();
  });

  it('works with its default timers and jitter', async () => {
    const syncOnce = vi.fn<() => Promise<void>>().mockRejectedValueOnce(network()).mockResolvedValue(undefined);
    const loop = createSyncLoop({ syncOnce, report: () => undefined, now: () => new Date() });
    loop.start();
    await vi.advanceTimersByTimeAsync(999); // the first retry: 2 s × 0.5–1.5, so within [1 s, 3 s]
    expect(syncOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2_001);
    expect(syncOnce).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(syncOnce).toHaveBeenCalledTimes(3);
    loop.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits as long as the hub asked (Retry-After) when that is longer than its own backoff', async () => {
    const { loop, syncOnce, delays } = setup();
    syncOnce.mockRejectedValueOnce(new HubRequestError('rate_limited', 'too many', 429, 45_000));
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(delays).toEqual([45_000]);
    await vi.advanceTimersByTimeAsync(44_999);
    expect(syncOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(syncOnce).toHaveBeenCalledTimes(2);
    loop.stop();
  });
});
