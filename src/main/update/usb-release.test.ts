import { mkdtemp, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha512Base64, writeReleaseFixture, type ReleaseFixture } from '../../../tests/support/release-fixture.ts';
import { startLoopbackFeed } from './loopback-feed.ts';
import { manifestNameFor, verifyFolderRelease } from './usb-release.ts';

let root: string;
let stick: string;
let staging: string;
let release: ReleaseFixture;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ykt-usb-'));
  stick = join(root, 'stick');
  staging = join(root, 'user-data', 'update-staging');
  release = await writeReleaseFixture(stick);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const rewriteManifest = (patch: (m: Record<string, unknown>) => Record<string, unknown>) =>
  writeFile(join(stick, 'latest.yml'), dump(patch(structuredClone(release.manifest))), 'utf8');

describe('folder (USB / LAN) release verification', () => {
  it('accepts a good release and stages verified copies of exactly the listed files', async () => {
    const check = await verifyFolderRelease(stick, staging);
    expect(check).toMatchObject({ ok: true, release: { files: [release.installer], manifest: { version: '0.2.0' } } });
    // The blockmap is not listed with a hash in latest.yml, so it is not staged (electron-updater falls back to a full, local copy).
    expect((await readdir(staging)).sort()).toEqual(['latest.yml', release.installer].sort());
  });

  it.each([
    [
      'a tampered installer (same size, one byte flipped)',
      async () => {
        const bytes = Buffer.from(release.installerBytes);
        bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
        await writeFile(join(stick, release.installer), bytes);
      },
      'hash_mismatch',
    ],
    ['a truncated installer (copy interrupted)', () => truncate(join(stick, release.installer), 1000), 'size_mismatch'],
    ['a wrong size in latest.yml', () => rewriteManifest((m) => ({ ...m, files: [{ ...(m.files as object[])[0], size: 12345 }] })), 'size_mismatch'],
    ['a malformed latest.yml (not YAML)', () => writeFile(join(stick, 'latest.yml'), 'version: [0.2.0\nfiles: {', 'utf8'), 'malformed_manifest'],
    ['latest.yml without files', () => rewriteManifest((m) => ({ ...m, files: [] })), 'invalid_manifest'],
    ['latest.yml with a hex sha512', () => rewriteManifest((m) => ({ ...m, files: [{ ...(m.files as object[])[0], sha512: 'ab'.repeat(64) }] })), 'invalid_manifest'],
    ['latest.yml with a non-semver version', () => rewriteManifest((m) => ({ ...m, version: 'latest' })), 'invalid_manifest'],
    ['latest.yml that is a plain string', () => writeFile(join(stick, 'latest.yml'), 'hello', 'utf8'), 'invalid_manifest'],
    ['an empty latest.yml', () => writeFile(join(stick, 'latest.yml'), '', 'utf8'), 'invalid_manifest'],
    ['a huge latest.yml', () => writeFile(join(stick, 'latest.yml'), `# ${'x'.repeat(70_000)}\n`, 'utf8'), 'manifest_too_large'],
    ['no latest.yml at all', () => rm(join(stick, 'latest.yml')), 'missing_manifest'],
    ['a listed file that is missing', () => rm(join(stick, release.installer)), 'missing_file'],
    ['path traversal (../) in a file name', () => rewriteManifest((m) => ({ ...m, files: [{ ...(m.files as object[])[0], url: '../evil.exe' }] })), 'unsafe_file_name'],
    ['an absolute Windows path', () => rewriteManifest((m) => ({ ...m, files: [{ ...(m.files as object[])[0], url: 'C:\\Windows\\evil.exe' }] })), 'unsafe_file_name'],
    ['a sub-folder path', () => rewriteManifest((m) => ({ ...m, files: [{ ...(m.files as object[])[0], url: 'sub/setup.exe' }] })), 'unsafe_file_name'],
    ['a path field outside the folder', () => rewriteManifest((m) => ({ ...m, path: '../../x.exe' })), 'unsafe_file_name'],
    ['a path field not among files', () => rewriteManifest((m) => ({ ...m, path: 'other.exe' })), 'invalid_manifest'],
    [
      'the installer replaced by a symlink to a file elsewhere',
      async () => {
        await rm(join(stick, release.installer));
        await writeFile(join(root, 'elsewhere.exe'), release.installerBytes);
        await symlink(join(root, 'elsewhere.exe'), join(stick, release.installer));
      },
      'not_a_file',
    ],
  ] as const)('refuses %s (%s)', async (_label, damage, reason) => {
    await damage();
    const check = await verifyFolderRelease(stick, staging);
    expect(check).toMatchObject({ ok: false, reason });
    if (!check.ok) expect(check.detail.length).toBeGreaterThan(3);
    // Nothing half-verified is left to be served.
    expect(await readdir(staging).catch(() => [])).toEqual([]);
  });

  it('uses the platform channel file name electron-updater asks for', () => {
    expect(manifestNameFor('win32')).toBe('latest.yml');
    expect(manifestNameFor('linux')).toBe('latest-linux.yml');
    expect(manifestNameFor('darwin', 'beta')).toBe('beta-mac.yml');
  });

  it('reads latest-linux.yml on Linux', async () => {
    const linux = await writeReleaseFixture(join(root, 'linux'), { manifestName: 'latest-linux.yml' });
    expect((await verifyFolderRelease(linux.dir, staging, 'latest-linux.yml')).ok).toBe(true);
    expect(await verifyFolderRelease(linux.dir, staging, 'latest.yml')).toMatchObject({ ok: false, reason: 'missing_manifest' });
  });
});

describe('loopback feed', () => {
  it('serves the verified manifest and installer on 127.0.0.1, and nothing else', async () => {
    const check = await verifyFolderRelease(stick, staging);
    if (!check.ok) throw new Error(check.detail);
    // Tampering with the stick after verification does not change what is served: the feed serves the staged copy.
    await writeFile(join(stick, release.installer), Buffer.alloc(release.installerBytes.length));
    const feed = await startLoopbackFeed(check.release);
    try {
      expect(feed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const yml = await fetch(`${feed.url}latest.yml?noCache=1abc`);
      expect(yml.status).toBe(200);
      expect(await yml.text()).toContain('version: 0.2.0');
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
