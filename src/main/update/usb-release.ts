// Updating from a USB stick or a school LAN folder: IT points the app at a folder with electron-builder's output
// (latest.yml + installer). Nothing is offered to the updater until every file listed in latest.yml has been copied
// into our own staging folder and its copy matched the size and sha512 that latest.yml names — so a file swapped on the
// stick after the check (or a half-copied one) can never be installed.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { load } from 'js-yaml';
import { ReleaseManifest } from '../../shared/update-protocol.ts';

export const MAX_MANIFEST_BYTES = 64 * 1024;

export type ReleaseRefusal =
  | 'missing_manifest'
  | 'manifest_too_large'
  | 'malformed_manifest'
  | 'invalid_manifest'
  | 'unsafe_file_name'
  | 'missing_file'
  | 'not_a_file'
  | 'size_mismatch'
  | 'hash_mismatch';

export type VerifiedRelease = {
  manifestName: string;
  manifest: ReleaseManifest;
  /** latest.yml exactly as read, served unchanged so electron-updater sees what IT brought. */
  manifestText: string;
  /** The staging folder holding the verified copies. */
  dir: string;
  files: string[];
};

export type ReleaseCheck = { ok: true; release: VerifiedRelease } | { ok: false; reason: ReleaseRefusal; detail: string };

const refuse = (reason: ReleaseRefusal, detail: string): ReleaseCheck => ({ ok: false, reason, detail: detail.slice(0, 500) });

/** electron-updater's channel file for this platform: latest.yml on Windows, latest-linux.yml, latest-mac.yml. */
export function manifestNameFor(platform: NodeJS.Platform, channel = 'latest'): string {
  if (platform === 'linux') return `${channel}-linux.yml`;
  if (platform === 'darwin') return `${channel}-mac.yml`;
  return `${channel}.yml`;
}

export function parseManifest(text: string): { ok: true; manifest: ReleaseManifest } | { ok: false; reason: ReleaseRefusal; detail: string } {
  let raw: unknown;
  try {
    raw = load(text); // js-yaml 4's load uses the safe (JSON-compatible) schema: no custom types, no code
  } catch (error) {
    return { ok: false, reason: 'malformed_manifest', detail: error instanceof Error ? error.message.split('\n')[0] ?? '' : 'YAML error' };
  }
  const parsed = ReleaseManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const reason = issue?.path.includes('url') || issue?.path.includes('path') ? 'unsafe_file_name' : 'invalid_manifest';
    return { ok: false, reason, detail: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}` };
  }
  const names = new Set(parsed.data.files.map((f) => f.url));
  if (names.size !== parsed.data.files.length) return { ok: false, reason: 'invalid_manifest', detail: 'a file is listed twice' };
  if (parsed.data.path !== undefined && !names.has(parsed.data.path)) return { ok: false, reason: 'invalid_manifest', detail: `path ${parsed.data.path} is not among files` };
  return { ok: true, manifest: parsed.data };
}

/** Copies `from` to `to` while hashing, so what is verified is exactly what was written. */
async function copyHashing(from: string, to: string): Promise<{ size: number; sha512: string }> {
  const hash = createHash('sha512');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(from), tap, createWriteStream(to));
  return { size, sha512: hash.digest('base64') };
}

export async function verifyFolderRelease(sourceDir: string, stagingDir: string, manifestName = 'latest.yml'): Promise<ReleaseCheck> {
  const manifestPath = join(sourceDir, manifestName);
  const manifestStat = await lstat(manifestPath).catch(() => null);
  if (!manifestStat?.isFile()) return refuse('missing_manifest', `${manifestName} not found in ${sourceDir}`);
  if (manifestStat.size > MAX_MANIFEST_BYTES) return refuse('manifest_too_large', `${manifestName} is ${manifestStat.size} bytes`);
  const manifestText = await readFile(manifestPath, 'utf8');
  const parsed = parseManifest(manifestText);
  if (!parsed.ok) return parsed;
  const { manifest } = parsed;

  // Start from an empty staging folder: leftovers from an earlier attempt are never served.
  await rm(stagingDir, { recursive: true, force: true });
  await mkdir(stagingDir, { recursive: true });
  const fail = async (reason: ReleaseRefusal, detail: string) => {
    await rm(stagingDir, { recursive: true, force: true });
    return refuse(reason, detail);
  };

  for (const file of manifest.files) {
    const source = join(sourceDir, file.url);
    // lstat, not stat: a symlink on the stick could point anywhere on the PC.
    const info = await lstat(source).catch(() => null);
    if (!info) return fail('missing_file', `${file.url} is missing`);
    if (!info.isFile()) return fail('not_a_file', `${file.url} is not a regular file`);
    if (info.size !== file.size) return fail('size_mismatch', `${file.url}: ${info.size} bytes, latest.yml says ${file.size}`);
    const copied = await copyHashing(source, join(stagingDir, file.url));
    if (copied.size !== file.size) return fail('size_mismatch', `${file.url} changed while copying`);
    if (copied.sha512 !== file.sha512) return fail('hash_mismatch', `${file.url}: sha512 does not match latest.yml (damaged or tampered)`);
  }
  await writeFile(join(stagingDir, manifestName), manifestText, 'utf8');
  return { ok: true, release: { manifestName, manifest, manifestText, dir: stagingDir, files: manifest.files.map((f) => f.url) } };
}
