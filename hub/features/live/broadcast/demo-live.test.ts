// The demo broadcast on a machine whose ffmpeg cannot run: it is retried less and less often and said once, not every
// 2 s (the old loop filled a fresh machine's `npm start` with the same line). Real SFU; timers and clock injected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoBroadcast } from './demo-live.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';
import type { Timers } from '../../../../src/shared/timers.ts';

const workerReason = liveUnavailableReason();

describe.skipIf(workerReason !== null)(`demo broadcast restarts${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let sfu: LiveSfu;
  beforeAll(async () => (sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' })));
  afterAll(() => sfu?.close());

  it('backs off while ffmpeg keeps failing at once (2 s, 4 s, 8 s … ≤ 60 s) and says the same failure once', async () => {
    const pauses: number[] = [];
    const due: (() => void)[] = [];
    const waiters: (() => void)[] = [];
    const timers: Timers = {
      setTimeout: (fn, ms) => {
        pauses.push(ms);
        due.push(fn);
        waiters.splice(0).forEach((w) => w());
        return pauses.length;
      },
      clearTimeout: () => undefined,
    };
    const nextRestart = async () => {
      while (due.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
      return due.shift();
    };
    const lines: string[] = [];
    const broadcast = await startDemoBroadcast(sfu, { lessonId: 'les-backoff', ffmpegPath: '/nonexistent/ffmpeg', timers, now: () => 0, log: (line) => lines.push(line) });
    for (let i = 0; i < 7; i++) (await nextRestart())?.();
    await nextRestart();
    await broadcast.stop();
    expect(pauses).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('not found');
  });
});
