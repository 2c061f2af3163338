// The folder verifier on its own (the service-level table of refusals is folder-update.test.ts): what a good release
// stages, the platform's manifest name, and what the loopback feed serves of a verified release.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha512Base64, testPublisher, writeReleaseFixture, type ReleaseFixture } from '../../../tests/support/release-fixture.ts';
import { startFolderFeed } from './loopback-feed.ts';
import { manifestNameFor, verifyFolderRelease, type FolderCheckOptions } from './usb-release.ts';

let root: string;
let stick: string;
let staging: string;
let release: ReleaseFixture;
const options: FolderCheckOptions = { manifestName: 'latest.yml', trustedKeys: [testPublisher.publicKey], currentVersion: '0.1.0', stallMs: 5_000 };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ykt-usb-'));
  stick = join(root, 'stick');
  staging = join(root, 'user-data', 'update-staging');
  release = await writeReleaseFixture(stick);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('folder (USB / LAN) release verification', () => {
  it('accepts a signed, newer release and stages verified copies of exactly the listed files in a folder of its own', async () => {
    const check = await verifyFolderRelease(stick, staging, options);
    expect(check).toMatchObject({ ok: true, release: { files: [release.installer], manifest: { version: '0.2.0' } } });
    if (!check.ok) return;
    expect(check.release.dir.startsWith(staging)).toBe(true);
    expect(await readdir(staging)).toHaveLength(1);
    // The blockmap is not listed with a hash in latest.yml, so it is not staged (electron-updater falls back to a full, local copy).
    expect(await readdir(check.release.dir)).toEqual([release.installer]);
    expect(check.release.manifestBytes).toEqual(await readFile(join(stick, 'latest.yml')));
    expect(check.release.signatureBytes).toEqual(await readFile(join(stick, 'latest.yml.sig')));
  });

  it('gives each attempt its own staging folder', async () => {
    const a = await verifyFolderRelease(stick, staging, options);
    const b = await verifyFolderRelease(stick, staging, options);
    expect(a.ok && b.ok && a.release.dir !== b.release.dir).toBe(true);
    expect(await readdir(staging)).toHaveLength(2);
  });

  it('uses the platform channel file name electron-updater asks for', () => {
    expect(manifestNameFor('win32')).toBe('latest.yml');
    expect(manifestNameFor('linux')).toBe('latest-linux.yml');
    expect(manifestNameFor('darwin', 'beta')).toBe('beta-mac.yml');
  });

  it('reads latest-linux.yml on Linux, signed for that name', async () => {
    const linux = await writeReleaseFixture(join(root, 'linux'), { manifestName: 'latest-linux.yml' });
    expect((await verifyFolderRelease(linux.dir, staging, { ...options, manifestName: 'latest-linux.yml' })).ok).toBe(true);
    expect(await verifyFolderRelease(linux.dir, staging, options)).toMatchObject({ ok: false, reason: 'missing_manifest' });
  });
});

describe('loopback feed', () => {
  it('serves the verified manifest, its signature and the installer on 127.0.0.1, and nothing else', async () => {
    const check = await verifyFolderRelease(stick, staging, options);
    if (!check.ok) throw new Error(check.detail);
    // Tampering with the stick after verification does not change what is served: the feed serves the staged copy.
    await writeFile(join(stick, release.installer), Buffer.alloc(release.installerBytes.length));
    await writeFile(join(stick, 'latest.yml'), 'version: 9.9.9\n');
    const feed = await startFolderFeed(check.release);
    try {
      expect(feed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const yml = await fetch(`${feed.url}latest.yml?noCache=1abc`);
      expect(yml.status).toBe(200);
      expect(await yml.text()).toContain('version: 0.2.0');
      expect(await (await fetch(`${feed.url}latest.yml.sig`)).text()).toContain(testPublisher.publicKey);
      const installer = await fetch(`${feed.url}${encodeURIComponent(release.installer)}`);
      expect(installer.status).toBe(200);
      const bytes = Buffer.from(await installer.arrayBuffer());
      expect(sha512Base64(bytes)).toBe(sha512Base64(release.installerBytes));
      for (const path of [`${release.installer}.blockmap`, '..%2Fstick%2Flatest.yml', '%2e%2e/%2e%2e/etc/passwd', 'elsewhere.exe', '']) {
        expect((await fetch(`${feed.url}${path}`)).status, path).toBe(404);
      }
      expect((await fetch(`${feed.url}latest.yml`, { method: 'POST' })).status).toBe(405);
    } finally {
      await feed.close();
    }
  });
});
