// The service with a stand-in for electron-updater (the Electron binary cannot run here; the stand-in reads the feed
// the way its generic provider does). The hub feed is a real hub over HTTP with releases published by the real
// publisher: electron-updater is asked only after main verified the feed's signature and version, and what it then
// reads must be the verified release. A folder release is verified, served on loopback and becomes the feed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signatureFor, strangerPublisher, testPublisher, writeReleaseFixture, type ReleaseFixture } from '../../../tests/support/release-fixture.ts';
import { startUpdateHub } from '../../../tests/support/update-hub.ts';
import { dailyWindow } from './update-policy.ts';
import { createUpdateService, hubFeedUrl } from './update-service.ts';
import type { FeedRelease, RawFeedUpdater } from './verified-feed.ts';

let root: string;
let release: ReleaseFixture;
let hub: Awaited<ReturnType<typeof startUpdateHub>>;
let hubBase: string;
/** Closed after each test: a hub check leaves its loopback feed open. */
const services: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  hub = await startUpdateHub();
  hubBase = hub.base;
});
afterAll(() => hub.close());
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ykt-svc-'));
  release = await writeReleaseFixture(join(root, 'stick'));
  await hub.clear();
});
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  await rm(root, { recursive: true, force: true });
});

function setup(opts: { saveSettings?: (s: unknown) => void; hubUrl?: string | null; currentVersion?: string } = {}) {
  let feed = '';
  const updater = {
    setFeedUrl: vi.fn((url: string) => void (feed = url)),
    // Like electron-updater's generic provider: fetch the manifest from the feed and read version and files.
    check: vi.fn(async (): Promise<FeedRelease | null> => {
      const info = load(await (await fetch(`${feed}latest.yml`)).text()) as FeedRelease;
      return { version: info.version, files: info.files };
    }),
    download: vi.fn(() => Promise.resolve()),
    cancelDownload: vi.fn(),
    install: vi.fn(),
  } satisfies RawFeedUpdater;
  const asked: string[] = [];
  const service = createUpdateService({
    updater,
    fetch: (input, init) => {
      asked.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    },
    trustedKeys: [testPublisher.publicKey],
    config: { checkIntervalMs: 3600_000, downloadWindow: null, quietWindow: dailyWindow('21:00', '06:00') },
    currentVersion: opts.currentVersion ?? '0.1.0',
    channel: 'latest',
    now: () => new Date('2026-03-02T10:00:00'),
    backupBeforeInstall: () => Promise.resolve(true),
    hubUrl: () => Promise.resolve(opts.hubUrl === undefined ? hubBase : opts.hubUrl),
    stagingDir: join(root, 'user-data', 'update-staging'),
    platform: 'win32',
    pickFolder: () => Promise.resolve(null),
    saveSettings: (s) => Promise.resolve(opts.saveSettings?.(s)),
  });
  services.push(service);
  return { service, updater, asked };
}

const feedDir = () => hub.channelDir('latest');
const publish = (fixture: ReleaseFixture) => hub.publish(fixture);

describe('update service: the hub feed (real hub, stand-in for electron-updater)', () => {
  it('verifies the hub feed of the chosen channel, then points electron-updater at the loopback feed', async () => {
    const { service, updater, asked } = setup();
    await service.tick();
    expect(asked).toEqual([`${hubBase}/updates/latest/latest.yml`]); // nothing published yet
    expect(service.status().refused).toMatchObject({ reason: 'missing_manifest', source: 'hub' });
    service.setChannel('beta');
    await service.tick();
    expect(asked.slice(1)).toEqual([`${hubBase}/updates/beta/latest.yml`]);
    expect(updater.setFeedUrl).not.toHaveBeenCalled(); // the hub's URL never reaches electron-updater
    await publish(release);
    service.setChannel('latest');
    await service.tick();
    expect(asked.slice(2)).toEqual([`${hubBase}/updates/latest/latest.yml`, `${hubBase}/updates/latest/latest.yml.sig`]);
    expect(updater.setFeedUrl).toHaveBeenCalledTimes(1);
    expect(updater.setFeedUrl).toHaveBeenLastCalledWith(expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/));
    expect(service.status()).toMatchObject({ phase: 'downloaded', availableVersion: '0.2.0', refused: null });
    expect(hubFeedUrl('http://hub:8787', 'latest')).toBe('http://hub:8787/updates/latest/');
  });

  it('offers a signed, newer release from the hub after verifying it, and downloads it', async () => {
    await publish(release);
    const { service, updater } = setup();
    await service.tick();
    expect(updater.check).toHaveBeenCalledTimes(1);
    expect(service.status()).toMatchObject({ source: 'hub', phase: 'downloaded', availableVersion: '0.2.0', refused: null });
    expect(updater.download).toHaveBeenCalledTimes(1);
  });

  it('reports the version already installed as up to date, not as a refusal', async () => {
    await publish(release);
    const { service, updater } = setup({ currentVersion: '0.2.0' });
    await service.tick();
    expect(service.status()).toMatchObject({ phase: 'idle', availableVersion: null, refused: null });
    expect(updater.check).not.toHaveBeenCalled();
  });

  it.each([
    ['an unsigned release', () => rm(join(feedDir(), 'latest.yml.sig')), 'unsigned'],
    ['a release signed by a key the app does not carry', () => writeFile(join(feedDir(), 'latest.yml.sig'), signatureFor(strangerPublisher, 'latest.yml', Buffer.from(dump({ ...release.manifest, stagingPercentage: undefined })))), 'untrusted_key'],
    ['latest.yml changed on the hub after signing', async () => writeFile(join(feedDir(), 'latest.yml'), dump({ ...release.manifest, version: '0.9.0' })), 'bad_signature'],
    ['nothing published', () => rm(feedDir(), { recursive: true, force: true }), 'missing_manifest'],
  ] as const)('refuses %s before electron-updater sees it (%s)', async (_label, damage, reason) => {
    await publish(release);
    await damage();
    const { service, updater } = setup();
    await service.tick();
    expect(service.status()).toMatchObject({ phase: 'idle', availableVersion: null, refused: { reason, source: 'hub' } });
    expect(updater.check).not.toHaveBeenCalled();
    expect(updater.download).not.toHaveBeenCalled();
  });

  it('refuses a downgrade the hub offers (downgrade)', async () => {
    await publish(release);
    const { service, updater } = setup({ currentVersion: '0.5.0' });
    await service.tick();
    expect(service.status()).toMatchObject({ phase: 'idle', refused: { reason: 'downgrade', source: 'hub' } });
    expect(updater.check).not.toHaveBeenCalled();
  });

  it('refuses when electron-updater reads another release than the one verified (feed_changed)', async () => {
    await publish(release);
    const { service, updater } = setup();
    updater.check.mockResolvedValueOnce({ version: '0.2.0', files: [{ url: release.installer, sha512: 'A'.repeat(86) + '==', size: release.installerBytes.length }] });
    await service.tick();
    expect(service.status()).toMatchObject({ phase: 'idle', refused: { reason: 'feed_changed' } });
    expect(updater.download).not.toHaveBeenCalled();
    // The next check that reads the verified release clears the refusal.
    service.checkNow();
    await service.tick();
    expect(service.status()).toMatchObject({ phase: 'downloaded', refused: null });
  });

  it('does not ask the feed before enrollment', async () => {
    const { service, updater } = setup({ hubUrl: null });
    await service.tick();
    expect(updater.setFeedUrl).not.toHaveBeenCalled();
    expect(service.status().phase).toBe('idle');
  });
});

describe('update service: a folder release', () => {
  it('offers a verified folder release through the loopback feed, downloads it outside lessons, installs at quit', async () => {
    const { service, updater } = setup({ hubUrl: null });
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
    const { service, updater } = setup({ saveSettings: (s) => void saved.push(s), hubUrl: null });
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
    const { service, updater } = setup({ hubUrl: null });
    await writeFile(join(release.dir, release.installer), Buffer.alloc(release.installerBytes.length, 1));
    expect(await service.fromFolder(release.dir)).toMatchObject({ ok: false, reason: 'hash_mismatch' });
    expect(updater.setFeedUrl).not.toHaveBeenCalled();
    expect(service.status().refused).toMatchObject({ reason: 'hash_mismatch', source: 'folder' });
    expect(await service.fromFolder(null)).toEqual({ ok: false, reason: 'cancelled', detail: 'no folder chosen' });
  });
});
