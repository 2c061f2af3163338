// Updating from a USB/LAN folder through the update service (stand-in for electron-updater, whose binary cannot run
// here): every hostile or damaged folder is refused with its named reason, leaves no staging behind, and the release
// verified before it is still served byte for byte by the real loopback feed over HTTP.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signFolder, strangerPublisher, testPublisher, writeReleaseFixture, type ReleaseFixture } from '../../../tests/support/release-fixture.ts';
import { dailyWindow } from './update-policy.ts';
import { createUpdateService, type UpdateService } from './update-service.ts';

let root: string;
let staging: string;
let good: ReleaseFixture;
let stick: string;
let bad: ReleaseFixture;
let service: UpdateService;

function serviceDeps(): Parameters<typeof createUpdateService>[0] {
  return {
    updater: { setFeedUrl: vi.fn(), check: vi.fn(() => Promise.resolve(null)), download: vi.fn(() => Promise.resolve()), cancelDownload: vi.fn(), install: vi.fn() },
    fetch,
    trustedKeys: [testPublisher.publicKey],
    config: { checkIntervalMs: 3600_000, downloadWindow: null, quietWindow: dailyWindow('21:00', '06:00') },
    currentVersion: '0.1.0',
    channel: 'latest',
    now: () => new Date('2026-03-02T10:00:00'),
    backupBeforeInstall: () => Promise.resolve(true),
    hubUrl: () => Promise.resolve(null),
    stagingDir: staging,
    platform: 'win32',
    pickFolder: () => Promise.resolve(null),
    folderStallMs: 5_000,
  };
}

/** What the loopback feed serves now: manifest, signature, installer. */
async function servedBytes(svc: UpdateService, installer: string): Promise<Buffer[]> {
  const base = svc.servedFeedUrl();
  if (!base) throw new Error('nothing served');
  return Promise.all(['latest.yml', 'latest.yml.sig', installer].map(async (name) => Buffer.from(await (await fetch(`${base}${name}`)).arrayBuffer())));
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ykt-folder-'));
  staging = join(root, 'user-data', 'update-staging');
  good = await writeReleaseFixture(join(root, 'good'), { version: '0.2.0' });
  stick = join(root, 'stick');
  bad = await writeReleaseFixture(stick, { version: '0.3.0' });
  service = createUpdateService(serviceDeps());
});

afterEach(async () => {
  await service.close();
  await rm(root, { recursive: true, force: true });
});

const manifestPath = () => join(stick, 'latest.yml');
const firstFile = (m: Record<string, unknown>) => (m.files as Array<Record<string, unknown>>)[0] ?? {};
/** Rewrites latest.yml and signs it again, as a publisher (or a forger holding the key) would. */
const resigned = (patch: (m: Record<string, unknown>) => Record<string, unknown>) => async () => {
  await writeFile(manifestPath(), dump(patch(structuredClone(bad.manifest))), 'utf8');
  await signFolder(stick);
};
const signedText = (text: string) => async () => {
  await writeFile(manifestPath(), text, 'utf8');
  await signFolder(stick);
};
/** The publisher's own latest.yml text, changed by `edit`, then signed: a signed manifest the publisher's tools never write. */
const signedEdit = (edit: (text: string) => string) => async () => signedText(edit(dump(bad.manifest)))();
/** "Billion laughs": nine levels of nine aliases each — 387 million strings once expanded, 600 bytes as written. */
const laughs = ['lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...Array.from({ length: 8 }, (_, i) => `lol${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(', ')}]`)].join('\n');

const cases: ReadonlyArray<readonly [string, () => Promise<unknown>, string]> = [
  // files
  ['a tampered installer (same size, one byte flipped)', async () => {
    const bytes = Buffer.from(bad.installerBytes);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    await writeFile(join(stick, bad.installer), bytes);
  }, 'hash_mismatch'],
  ['a truncated installer (copy interrupted)', () => truncate(join(stick, bad.installer), 1000), 'size_mismatch'],
  ['a longer installer than latest.yml says', () => writeFile(join(stick, bad.installer), Buffer.concat([bad.installerBytes, Buffer.alloc(10)])), 'size_mismatch'],
  ['a wrong size in latest.yml', resigned((m) => ({ ...m, files: [{ ...firstFile(m), size: 12345 }] })), 'size_mismatch'],
  ['a listed file that is missing', () => rm(join(stick, bad.installer)), 'missing_file'],
  ['the installer replaced by a symlink to a file elsewhere', async () => {
    await rm(join(stick, bad.installer));
    await writeFile(join(root, 'elsewhere.exe'), bad.installerBytes);
    await symlink(join(root, 'elsewhere.exe'), join(stick, bad.installer));
  }, 'is_link'],
  ['latest.yml itself a symlink', async () => {
    await writeFile(join(root, 'other.yml'), await readFile(manifestPath()));
    await rm(manifestPath());
    await symlink(join(root, 'other.yml'), manifestPath());
  }, 'is_link'],
  ['the signature a symlink', async () => {
    await writeFile(join(root, 'other.sig'), await readFile(`${manifestPath()}.sig`));
    await rm(`${manifestPath()}.sig`);
    await symlink(join(root, 'other.sig'), `${manifestPath()}.sig`);
  }, 'is_link'],
  ['the installer a folder', async () => {
    await rm(join(stick, bad.installer));
    await mkdir(join(stick, bad.installer));
  }, 'not_a_file'],
  ['the installer a FIFO (would block a plain open)', async () => {
    await rm(join(stick, bad.installer));
    execFileSync('mkfifo', [join(stick, bad.installer)]);
  }, 'not_a_file'],
  // manifest
  ['a malformed latest.yml (not YAML)', signedText('version: [0.2.0\nfiles: {'), 'malformed_manifest'],
  ['latest.yml without files', resigned((m) => ({ ...m, files: [] })), 'invalid_manifest'],
  ['latest.yml with a hex sha512', resigned((m) => ({ ...m, files: [{ ...firstFile(m), sha512: 'ab'.repeat(64) }] })), 'invalid_manifest'],
  ['latest.yml that is a plain string', signedText('hello'), 'invalid_manifest'],
  // YAML references and unknown keys: refused, never expanded or passed on to electron-updater
  ['a signed "billion laughs" (anchors and aliases)', signedEdit((text) => `${text}${laughs}\n`), 'yaml_reference'],
  ['one anchor and its alias (the installer named twice)', signedEdit((text) => text.replace(/^path: (.*)$/m, 'path: &installer $1').replace(/^(\s+)url: .*$/m, '$1url: *installer')), 'yaml_reference'],
  ['an anchor that is never used', signedEdit((text) => text.replace(/^version: /m, 'version: &v ')), 'yaml_reference'],
  ['a merge key in a file entry', signedEdit((text) => text.replace(/^(\s+)- url:/m, '$1- <<: {isAdminRightsRequired: true}\n$1  url:')), 'unknown_field'],
  ['an unknown top-level key', resigned((m) => ({ ...m, updaterCacheDirName: '../../evil' })), 'unknown_field'],
  ['an unknown key in a file entry', resigned((m) => ({ ...m, files: [{ ...firstFile(m), extra: 1 }] })), 'unknown_field'],
  ['a YAML tag outside the core schema (!!binary)', signedEdit((text) => `${text}releaseNotes: !!binary aGVsbG8=\n`), 'malformed_manifest'],
  ['an unquoted date electron-updater would read as a Date', signedEdit((text) => text.replace(/^releaseDate: .*$/m, 'releaseDate: 2026-03-01 10:00:00')), 'malformed_manifest'],
  ['an empty latest.yml', signedText(''), 'invalid_manifest'],
  ['a huge latest.yml', () => writeFile(manifestPath(), `# ${'x'.repeat(70_000)}\n`, 'utf8'), 'manifest_too_large'],
  ['no latest.yml at all', () => rm(manifestPath()), 'missing_manifest'],
  ['a file larger than 4 GiB', resigned((m) => ({ ...m, files: [{ ...firstFile(m), size: 5 * 1024 ** 3 }] })), 'invalid_manifest'],
  ['path traversal (../) in a file name', resigned((m) => ({ ...m, files: [{ ...firstFile(m), url: '../evil.exe' }] })), 'unsafe_file_name'],
  ['an absolute Windows path', resigned((m) => ({ ...m, files: [{ ...firstFile(m), url: 'C:\\Windows\\evil.exe' }] })), 'unsafe_file_name'],
  ['a sub-folder path', resigned((m) => ({ ...m, files: [{ ...firstFile(m), url: 'sub/setup.exe' }] })), 'unsafe_file_name'],
  ['a right-to-left override in a name', resigned((m) => ({ ...m, files: [{ ...firstFile(m), url: 'setup\u202Eexe.msi' }] })), 'unsafe_file_name'],
  ['a Windows device name (CON.exe)', resigned((m) => ({ ...m, files: [{ ...firstFile(m), url: 'CON.exe' }] })), 'unsafe_file_name'],
  ['a name with a trailing dot', resigned((m) => ({ ...m, files: [{ ...firstFile(m), url: 'setup.exe.' }] })), 'unsafe_file_name'],
  ['the signature listed as a release file', resigned((m) => ({ ...m, files: [{ ...firstFile(m), url: 'latest.yml.sig' }] })), 'unsafe_file_name'],
  ['two names equal without case (NTFS: one file)', resigned((m) => ({ ...m, files: [firstFile(m), { ...firstFile(m), url: String(firstFile(m).url).toUpperCase() }] })), 'invalid_manifest'],
  ['a path field outside the folder', resigned((m) => ({ ...m, path: '../../x.exe' })), 'unsafe_file_name'],
  ['a path field not among files', resigned((m) => ({ ...m, path: 'other.exe' })), 'invalid_manifest'],
  // signature
  ['no signature at all', () => rm(`${manifestPath()}.sig`), 'unsigned'],
  ['a signature that is not JSON', () => writeFile(`${manifestPath()}.sig`, 'not json', 'utf8'), 'malformed_signature'],
  ['a signature of the wrong shape', () => writeFile(`${manifestPath()}.sig`, '{"format":1,"alg":"rsa"}', 'utf8'), 'malformed_signature'],
  ['a signature file too large to be one', () => writeFile(`${manifestPath()}.sig`, 'x'.repeat(10_000), 'utf8'), 'malformed_signature'],
  ['a release signed by a key the app does not carry', () => signFolder(stick, 'latest.yml', strangerPublisher), 'untrusted_key'],
  ['latest.yml changed after signing (bigger version)', () => writeFile(manifestPath(), dump({ ...bad.manifest, version: '9.9.9' }), 'utf8'), 'bad_signature'],
  ['a signature made for another manifest (beta.yml)', async () => {
    await writeFile(join(stick, 'beta.yml'), await readFile(manifestPath()));
    await signFolder(stick, 'beta.yml');
    await rm(`${manifestPath()}.sig`);
    await writeFile(`${manifestPath()}.sig`, await readFile(join(stick, 'beta.yml.sig')));
  }, 'bad_signature'],
  // versions (electron-updater's semver)
  ['the version already installed', resigned((m) => ({ ...m, version: '0.1.0' })), 'same_version'],
  ['an older version (downgrade)', resigned((m) => ({ ...m, version: '0.0.9' })), 'downgrade'],
  ['a prerelease of the installed version (older by semver)', resigned((m) => ({ ...m, version: '0.1.0-beta.1' })), 'downgrade'],
  ['a version that is not semver', resigned((m) => ({ ...m, version: 'latest' })), 'invalid_version'],
  ['a version with a leading zero (semver refuses it)', resigned((m) => ({ ...m, version: '0.03.0' })), 'invalid_version'],
  ['a prerelease with an empty part', resigned((m) => ({ ...m, version: '0.3.0-beta..1' })), 'invalid_version'],
];

describe('update from a folder (service, real loopback feed)', () => {
  it.each(cases.map(([label, damage, reason]) => [label, reason, damage] as const))('refuses %s (%s), keeps the release verified before it served', async (_label, reason, damage) => {
    expect(await service.fromFolder(good.dir)).toMatchObject({ ok: true, version: '0.2.0' });
    const before = await servedBytes(service, good.installer);
    const stagedBefore = await readdir(staging);
    expect(stagedBefore).toHaveLength(1);

    await damage();
    const result = await service.fromFolder(stick);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) expect(result.detail.length).toBeGreaterThan(3);
    expect(service.status()).toMatchObject({ source: 'folder', verifyingFolder: false, refused: { reason, source: 'folder' } });

    // The feed still serves the earlier release, byte for byte, from the same staging folder; the attempt left nothing.
    expect(await servedBytes(service, good.installer)).toEqual(before);
    expect(before[0]?.toString('utf8')).toContain('version: 0.2.0');
    expect(await readdir(staging)).toEqual(stagedBefore);
  });

  it('replaces the served release only with one that verified, and removes the old staging folder', async () => {
    expect(await service.fromFolder(good.dir)).toMatchObject({ ok: true, version: '0.2.0' });
    const [first] = await readdir(staging);
    expect(await service.fromFolder(stick)).toEqual({ ok: true, version: '0.3.0', files: [bad.installer] });
    const served = await servedBytes(service, bad.installer);
    expect(served[2]).toEqual(bad.installerBytes);
    const now = await readdir(staging);
    expect(now).toHaveLength(1);
    expect(now).not.toContain(first);
    expect(service.status().refused).toBeNull();
  });

  it('verifies one folder at a time: a second request while one runs is refused as busy', async () => {
    const first = service.fromFolder(good.dir);
    expect(service.status().verifyingFolder).toBe(true);
    expect(await service.fromFolder(stick)).toMatchObject({ ok: false, reason: 'busy' });
    expect(await first).toMatchObject({ ok: true, version: '0.2.0' });
    expect(service.status().verifyingFolder).toBe(false);
    expect(await servedBytes(service, good.installer)).toEqual([
      await readFile(join(good.dir, 'latest.yml')),
      await readFile(join(good.dir, 'latest.yml.sig')),
      good.installerBytes,
    ]);
  });

  it('sweeps staging folders an interrupted attempt left behind', async () => {
    await mkdir(join(staging, 'left-by-a-power-cut'), { recursive: true });
    await writeFile(join(staging, 'left-by-a-power-cut', 'half.exe'), 'x');
    expect(await service.fromFolder(good.dir)).toMatchObject({ ok: true });
    expect(await readdir(staging)).toHaveLength(1);
    expect(await readdir(staging)).not.toContain('left-by-a-power-cut');
  });

  it('refuses every release when the build carries no publisher key', async () => {
    const bare = createUpdateService({ ...serviceDeps(), trustedKeys: [] });
    expect(await bare.fromFolder(good.dir)).toMatchObject({ ok: false, reason: 'no_publisher_key' });
    await bare.close();
  });
});
