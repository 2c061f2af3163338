// Places an electron-builder release (latest*.yml + installers + blockmaps) into the hub's update feed. Every file is
// checked against latest.yml (size, sha512) before it is published, files are copied before the manifest, and each
// write is write-then-rename, so a client never sees a latest.yml that points at a missing or half-copied installer.
// Older installers and blockmaps stay: electron-updater's differential download fetches the old version's blockmap.
// Each manifest is signed with the publisher's key (<manifest>.sig, release-signing.ts) as it is written; the classroom
// app refuses a manifest without a signature by a key it carries. The signature is written after its manifest, and
// the app checks again once when the two disagree, so a publish in progress is not mistaken for a forgery.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readReleaseYaml, writeReleaseYaml } from '../../../src/shared/release-yaml.ts';
import { signatureFileName } from '../../../src/shared/release-signature.ts';
import { compareVersions, validReleaseVersion } from '../../../src/shared/release-version.ts';
import { ReleaseManifest, UpdateChannel, type ReleaseManifest as Manifest } from '../../../src/shared/update-protocol.ts';
import { signManifest, type PublisherKey } from './release-signing.ts';

export type PublishOptions = { channel?: UpdateChannel; stagingPercentage?: number; key: PublisherKey };
export type PublishResult = { channel: UpdateChannel; version: string; manifests: string[]; files: string[]; publicKey: string };

const MANIFEST_RE = /^(latest|beta)(-linux|-mac)?\.yml$/;

async function sha512Of(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

async function copyAtomic(from: string, to: string) {
  await copyFile(from, `${to}.part`);
  await rename(`${to}.part`, to);
}

/** The version the channel serves now (from its latest.yml), or null when nothing is published. */
async function publishedVersion(target: string): Promise<string | null> {
  const text = await readFile(join(target, 'latest.yml'), 'utf8').catch(() => null);
  if (text === null) return null;
  const yaml = readReleaseYaml(text);
  const parsed = yaml.ok ? ReleaseManifest.safeParse(yaml.value) : null;
  return parsed?.success ? parsed.data.version : null;
}

async function writeAtomic(path: string, data: string) {
  await writeFile(`${path}.part`, data, 'utf8');
  await rename(`${path}.part`, path);
}

export async function publishRelease(sourceDir: string, updatesDir: string, options: PublishOptions): Promise<PublishResult> {
  const channel = UpdateChannel.parse(options.channel ?? 'latest');
  const manifests = (await readdir(sourceDir)).filter((name) => MANIFEST_RE.test(name));
  if (manifests.length === 0) throw new Error(`no latest.yml (or latest-linux.yml) in ${sourceDir}`);

  const parsed: Array<{ name: string; manifest: Manifest }> = [];
  for (const name of manifests) {
    // The same reader the classrooms use: a manifest they would refuse (anchors, unknown keys) is never published.
    const yaml = readReleaseYaml(await readFile(join(sourceDir, name), 'utf8'));
    if (!yaml.ok) throw new Error(`${name}: ${yaml.reason}: ${yaml.detail}`);
    const result = ReleaseManifest.safeParse(yaml.value);
    if (!result.success) throw new Error(`${name}: ${result.error.issues[0]?.path.join('.') ?? ''} ${result.error.issues[0]?.message ?? ''}`);
    parsed.push({ name, manifest: result.data });
  }
  const versions = new Set(parsed.map((p) => p.manifest.version));
  if (versions.size !== 1) throw new Error(`manifests disagree on the version: ${[...versions].join(', ')}`);
  const version = parsed[0]?.manifest.version ?? '';
  // electron-updater's semver rules, as the app applies them: a version it would refuse is never published.
  if (validReleaseVersion(version) === null) throw new Error(`version "${version}" is not semver as electron-updater reads it`);
  const target = join(updatesDir, channel);
  const current = await publishedVersion(target);
  if (current !== null && validReleaseVersion(current) !== null && compareVersions(version, current) < 0) {
    throw new Error(`channel ${channel} serves ${current}; ${version} is older and every classroom would refuse it (downgrade)`);
  }

  const files: string[] = [];
  for (const { name, manifest } of parsed) {
    for (const file of manifest.files) {
      const path = join(sourceDir, file.url);
      const info = await lstat(path).catch(() => null);
      if (!info?.isFile()) throw new Error(`${name} lists ${file.url}, which is missing`);
      if (info.size !== file.size) throw new Error(`${file.url}: ${info.size} bytes, ${name} says ${file.size}`);
      if ((await sha512Of(path)) !== file.sha512) throw new Error(`${file.url}: sha512 does not match ${name}`);
      files.push(file.url);
      const blockmap = `${file.url}.blockmap`;
      if ((await lstat(join(sourceDir, blockmap)).catch(() => null))?.isFile()) files.push(blockmap);
    }
  }

  await mkdir(target, { recursive: true });
  for (const file of files) await copyAtomic(join(sourceDir, file), join(target, file));
  for (const { name, manifest } of parsed) {
    const out = options.stagingPercentage === undefined ? manifest : { ...manifest, stagingPercentage: options.stagingPercentage };
    const text = writeReleaseYaml(ReleaseManifest.parse(out));
    // What is signed is exactly what a classroom reads back: canonical, without references, the same release.
    const back = readReleaseYaml(text);
    if (!back.ok || JSON.stringify(ReleaseManifest.parse(back.value)) !== JSON.stringify(ReleaseManifest.parse(out))) throw new Error(`${name}: the written manifest does not read back as written`);
    await writeAtomic(join(target, name), text);
    await writeAtomic(join(target, signatureFileName(name)), signManifest(options.key, name, Buffer.from(text, 'utf8')));
  }
  return { channel, version, manifests, files, publicKey: options.key.publicKey };
}
