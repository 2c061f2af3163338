// The controller against a stand-in for electron-updater (the Electron binary cannot run here); the policy itself is
// tested in update-policy.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { createUpdateController, type UpdaterPort } from './update-controller.ts';
import { dailyWindow } from './update-policy.ts';

function setup(opts: { at?: string; newer?: string | null; backupOk?: boolean } = {}) {
  let clock = new Date(`2026-03-02T${opts.at ?? '12:30'}:00`);
  let rejectDownload: ((e: Error) => void) | null = null;
  let resolveDownload: (() => void) | null = null;
  const updater = {
    check: vi.fn(() => Promise.resolve(opts.newer === null ? null : { version: opts.newer ?? '0.2.0' })),
    download: vi.fn(
      () =>
        new Promise<void>((resolve, reject) => {
          resolveDownload = resolve;
          rejectDownload = reject;
        }),
    ),
    cancelDownload: vi.fn(() => rejectDownload?.(new Error('cancelled'))),
    install: vi.fn(),
  } satisfies UpdaterPort;
  const backup = vi.fn(() => Promise.resolve(opts.backupOk ?? true));
  const controller = createUpdateController({
    updater,
    config: { checkIntervalMs: 4 * 3600_000, downloadWindow: null, quietWindow: dailyWindow('12:10', '13:30') },
    currentVersion: '0.1.0',
    channel: 'latest',
    now: () => clock,
    backupBeforeInstall: backup,
  });
  const finishDownload = async () => {
    await vi.waitFor(() => expect(resolveDownload).not.toBeNull());
    resolveDownload?.();
  };
  const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
  return { controller, updater, backup, finishDownload, advance };
}

describe('update controller (stand-in updater instead of electron-updater)', () => {
  it('checks at start, downloads when idle and installs at a quiet hour after a backup', async () => {
    const { controller, updater, backup, finishDownload } = setup();
    const tick = controller.tick();
    await finishDownload();
    await tick;
    expect(updater.check).toHaveBeenCalledTimes(1);
    expect(backup).toHaveBeenCalledTimes(1);
    expect(updater.install).toHaveBeenCalledTimes(1);
    expect(controller.status().phase).toBe('installing');
    expect(backup.mock.invocationCallOrder[0] ?? 0).toBeLessThan(updater.install.mock.invocationCallOrder[0] ?? 0);
  });

  it('never installs while a lesson is in progress, and installs at quit only when nothing plays', async () => {
    const { controller, updater, finishDownload } = setup({ at: '10:00' });
    const tick = controller.tick();
    await finishDownload();
    await tick;
    expect(controller.status().phase).toBe('downloaded');
    expect(controller.status().waitingFor).toBe('outside_quiet_window');
    controller.setActivity({ lessonInProgress: true, playback: 'live' });
    await controller.tick();
    expect(updater.install).not.toHaveBeenCalled();
    expect(await controller.onQuit()).toBe(false);
    expect(updater.install).not.toHaveBeenCalled();
    controller.setActivity({ lessonInProgress: false, playback: 'none' });
    expect(await controller.onQuit()).toBe(true);
    expect(updater.install).toHaveBeenCalledTimes(1);
  });

  it('waits for the lesson to end before downloading, and cancels a download when playback starts', async () => {
    const { controller, updater, finishDownload } = setup({ at: '09:00' });
    controller.setActivity({ lessonInProgress: true, playback: 'none' });
    await controller.tick();
    expect(updater.download).not.toHaveBeenCalled();
    expect(controller.status()).toMatchObject({ phase: 'available', waitingFor: 'lesson_in_progress' });

    controller.setActivity({ lessonInProgress: false, playback: 'none' });
    const tick = controller.tick();
    await vi.waitFor(() => expect(updater.download).toHaveBeenCalledTimes(1));
    controller.setActivity({ lessonInProgress: false, playback: 'recorded' });
    await tick;
    expect(updater.cancelDownload).toHaveBeenCalledTimes(1);
    expect(controller.status()).toMatchObject({ phase: 'available', error: 'cancelled' });

    controller.setActivity({ lessonInProgress: false, playback: 'none' });
    const again = controller.tick();
    await vi.waitFor(() => expect(updater.download).toHaveBeenCalledTimes(2));
    await finishDownload();
    await again;
    expect(controller.status().phase).toBe('downloaded');
  });

  it('does not install when the backup failed', async () => {
    const { controller, updater, finishDownload } = setup({ backupOk: false });
    const tick = controller.tick();
    await finishDownload();
    await tick;
    expect(updater.install).not.toHaveBeenCalled();
    expect(controller.status().error).toContain('backup failed');
  });

  it('checks again only after the interval, or at once when asked', async () => {
    const { controller, updater, advance } = setup({ newer: null });
    await controller.tick();
    await controller.tick();
    expect(updater.check).toHaveBeenCalledTimes(1);
    advance(4 * 3600_000);
    await controller.tick();
    expect(updater.check).toHaveBeenCalledTimes(2);
    controller.checkSoon();
    await controller.tick();
    expect(updater.check).toHaveBeenCalledTimes(3);
    expect(controller.status()).toMatchObject({ phase: 'idle', availableVersion: null });
  });

  it('recovers from a failing check (hub unreachable) on the next interval', async () => {
    const { controller, updater, advance } = setup({ newer: null });
    updater.check.mockRejectedValueOnce(new Error('ECONNREFUSED'));
    await controller.tick();
    expect(controller.status()).toMatchObject({ phase: 'idle', error: 'ECONNREFUSED' });
    advance(4 * 3600_000);
    await controller.tick();
    expect(updater.check).toHaveBeenCalledTimes(2);
    expect(controller.status().error).toBeNull();
  });
});
