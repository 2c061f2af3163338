// The service with a stand-in for electron-updater (the Electron binary cannot run here): a folder release is verified,
// served on loopback and becomes the feed; a tampered one never does. The hub feed is the real hub over HTTP, and
// electron-updater is offered a release only after main verified the feed's signature and version.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { load } from 'js-yaml';
import { testPublisher, writeReleaseFixture, type ReleaseFixture } from '../../../tests/support/release-fixture.ts';
import { dailyWindow } from './update-policy.ts';
import { createUpdateService, hubFeedUrl } from './update-service.ts';
import type { FeedRelease, RawFeedUpdater } from './verified-feed.ts';

let root: string;
let release: ReleaseFixture;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ykt-svc-'));
  release = await writeReleaseFixture(join(root, 'stick'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function setup(saveSettings?: (s: unknown) => void) {
  let feed = '';
  const updater = {
    setFeedUrl: vi.fn((url: string) => void (feed = url)),
    // Like electron-updater's generic provider: fetch the manifest from the feed and read version and files.
    check: vi.fn(async () => {
      const info = load(await (await fetch(`${feed}latest.yml`)).text()) as FeedRelease;
      return { version: info.version, files: info.files };
    }),
    download: vi.fn(() => Promise.resolve()),
    cancelDownload: vi.fn(),
    install: vi.fn(),
  } satisfies RawFeedUpdater;
  const service = createUpdateService({
    updater,
    fetch,
    trustedKeys: [testPublisher.publicKey],
    config: { checkIntervalMs: 3600_000, downloadWindow: null, quietWindow: dailyWindow('21:00', '06:00') },
    currentVersion: '0.1.0',
    channel: 'latest',
    now: () => new Date('2026-03-02T10:00:00'),
    backupBeforeInstall: () => Promise.resolve(true),
    hubUrl: () => Promise.resolve('http://192.168.1.10:8787/'),
    stagingDir: join(root, 'user-data', 'update-staging'),
    platform: 'win32',
    pickFolder: () => Promise.resolve(null),
    saveSettings: (s) => Promise.resolve(saveSettings?.(s)),
  });
  return { service, updater };
}

describe('update service (stand-in updater instead of electron-updater)', () => {
  it('uses the hub feed for the chosen channel', async () => {
    const { service, updater } = setup();
    updater.check.mockResolvedValue({ version: '' });
    updater.check.mockResolvedValueOnce(null as unknown as { version: string });
    await service.tick();
    expect(updater.setFeedUrl).toHaveBeenLastCalledWith('http://192.168.1.10:8787/updates/latest/');
    service.setChannel('beta');
    await service.tick();
    expect(updater.setFeedUrl).toHaveBeenLastCalledWith('http://192.168.1.10:8787/updates/beta/');
    expect(hubFeedUrl('http://hub:8787', 'latest')).toBe('http://hub:8787/updates/latest/');
  });

  it('offers a verified folder release through the loopback feed, downloads it outside lessons, installs at quit', async () => {
    const { service, updater } = setup();
    const result = await service.fromFolder(release.dir);
    expect(result).toEqual({ ok: true, version: '0.2.0', files: [release.installer] });
    expect(updater.setFeedUrl).toHaveBeenLastCalledWith(expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/));
    service.setActivity({ lessonInProgress: true, playback: 'live' });
    await service.tick();
    expect(service.status()).toMatchObject({ source: 'folder', phase: 'available', availableVersion: '0.2.0', waitingFor: 'playback' });
    expect(updater.download).not.toHaveBeenCalled();
    service.setActivity({ lessonInProgress: false, playback: 'none' });
    service.setPlaybackHeld(true); // a player still holds the display awake
    await service.tick();
    expect(service.status()).toMatchObject({ phase: 'available', waitingFor: 'playback' });
    service.setPlaybackHeld(false);
    await service.tick();
    expect(service.status().phase).toBe('downloaded');
    expect(await service.onQuit()).toBe(true);
    expect(updater.install).toHaveBeenCalledTimes(1);
    await service.close();
  });

  it('applies and saves the windows IT sets: no download outside the download hours', async () => {
    const saved: unknown[] = [];
    const { service, updater } = setup((s) => void saved.push(s));
    const status = service.setWindows({ download: { start: '22:00', end: '06:00' }, quiet: { start: '12:10', end: '13:30' } });
    expect(status.windows.download).toEqual({ start: '22:00', end: '06:00' });
    expect(saved).toEqual([{ channel: 'latest', windows: status.windows }]);
    expect(await service.fromFolder(release.dir)).toMatchObject({ ok: true });
    await service.tick(); // 10:00 local: outside 22:00–06:00
    expect(service.status()).toMatchObject({ phase: 'available', waitingFor: 'outside_download_window' });
    expect(updater.download).not.toHaveBeenCalled();
    service.setChannel('beta');
    expect(saved).toHaveLength(2);
    await service.close();
  });

  it('refuses a tampered folder release and keeps the feed it had', async () => {
    const { service, updater } = setup();
    await writeFile(join(release.dir, release.installer), Buffer.alloc(release.installerBytes.length, 1));
    expect(await service.fromFolder(release.dir)).toMatchObject({ ok: false, reason: 'hash_mismatch' });
    expect(updater.setFeedUrl).not.toHaveBeenCalled();
    expect(await service.fromFolder(null)).toEqual({ ok: false, reason: 'cancelled', detail: 'no folder chosen' });
  });
});
