// Places an electron-builder release (latest*.yml + installers + blockmaps) into the hub's update feed. Every file is
// checked against latest.yml (size, sha512) before it is published, files are copied before the manifest, and each
// write is write-then-rename, so a client never sees a latest.yml that points at a missing or half-copied installer.
// Older installers and blockmaps stay: electron-updater's differential download fetches the old version's blockmap.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { ReleaseManifest, UpdateChannel, type ReleaseManifest as Manifest } from '../../src/shared/update-protocol.ts';

export type PublishOptions = { channel?: UpdateChannel; stagingPercentage?: number };
export type PublishResult = { channel: UpdateChannel; version: string; manifests: string[]; files: string[] };

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

export async function publishRelease(sourceDir: string, updatesDir: string, options: PublishOptions = {}): Promise<PublishResult> {
  const channel = UpdateChannel.parse(options.channel ?? 'latest');
  const manifests = (await readdir(sourceDir)).filter((name) => MANIFEST_RE.test(name));
  if (manifests.length === 0) throw new Error(`no latest.yml (or latest-linux.yml) in ${sourceDir}`);

  const parsed: Array<{ name: string; manifest: Manifest }> = [];
  for (const name of manifests) {
    const result = ReleaseManifest.safeParse(load(await readFile(join(sourceDir, name), 'utf8')));
    if (!result.success) throw new Error(`${name}: ${result.error.issues[0]?.path.join('.') ?? ''} ${result.error.issues[0]?.message ?? ''}`);
    parsed.push({ name, manifest: result.data });
  }
  const versions = new Set(parsed.map((p) => p.manifest.version));
  if (versions.size !== 1) throw new Error(`manifests disagree on the version: ${[...versions].join(', ')}`);

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

  const target = join(updatesDir, channel);
  await mkdir(target, { recursive: true });
  for (const file of files) await copyAtomic(join(sourceDir, file), join(target, file));
  for (const { name, manifest } of parsed) {
    const out = options.stagingPercentage === undefined ? manifest : { ...manifest, stagingPercentage: options.stagingPercentage };
    ReleaseManifest.parse(out);
    await writeFile(join(target, `${name}.part`), dump(out), 'utf8');
    await rename(join(target, `${name}.part`), join(target, name));
  }
  return { channel, version: parsed[0]?.manifest.version ?? '', manifests, files };
}
