// Updating from a USB stick or a school LAN folder: IT points the app at a folder with a signed release
// (latest.yml + latest.yml.sig + installer). Nothing is offered to the updater until the manifest's signature verifies
// against a key this build trusts, its version is newer than the running one, and every file it lists has been copied
// into a staging folder of this attempt alone and matched the size and sha512 the manifest names. A refused attempt
// removes only its own staging folder, so the release verified before it stays intact and served.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_SIGNATURE_BYTES, signatureFileName } from '../../shared/release-signature.ts';
import type { ReleaseManifest } from '../../shared/update-protocol.ts';
import { MAX_MANIFEST_BYTES, refusal, type Refusal } from './release-manifest.ts';
import { verifyReleaseManifest } from './release-trust.ts';
import { copyExactly, openUntrusted, readSmall, release, type ReadLimits } from './untrusted-file.ts';

export { manifestNameFor, parseManifest, MAX_MANIFEST_BYTES } from './release-manifest.ts';

export type VerifiedRelease = {
  manifestName: string;
  manifest: ReleaseManifest;
  /** The manifest and its signature exactly as read, served unchanged so the feed check sees what was verified. */
  manifestBytes: Buffer;
  signatureBytes: Buffer;
  /** This attempt's staging folder, holding the verified copies. */
  dir: string;
  files: string[];
};

export type ReleaseCheck = { ok: true; release: VerifiedRelease } | Refusal;

export type FolderCheckOptions = {
  manifestName: string;
  trustedKeys: readonly string[];
  currentVersion: string;
} & ReadLimits;

async function readSmallFile(dir: string, name: string, max: number, tooLarge: Refusal['reason'], limits: ReadLimits) {
  const opened = await openUntrusted(join(dir, name), name);
  if (!opened.ok) return opened;
  try {
    return await readSmall(opened, name, max, tooLarge, limits);
  } finally {
    release(opened.handle);
  }
}

async function copyListed(sourceDir: string, dir: string, file: ReleaseManifest['files'][number], limits: ReadLimits): Promise<Refusal | null> {
  const opened = await openUntrusted(join(sourceDir, file.url), file.url);
  if (!opened.ok) return opened;
  try {
    if (opened.size !== file.size) return refusal('size_mismatch', `${file.url}: ${opened.size} bytes, the manifest says ${file.size}`);
    const copied = await copyExactly(opened, file.url, file.size, join(dir, file.url), limits);
    if (!copied.ok) return copied;
    if (copied.sha512 !== file.sha512) return refusal('hash_mismatch', `${file.url}: sha512 does not match the manifest (damaged or tampered)`);
    return null;
  } finally {
    release(opened.handle);
  }
}

/** Verifies the release in `sourceDir` into a new folder under `stagingRoot`; on refusal that folder is gone. */
export async function verifyFolderRelease(sourceDir: string, stagingRoot: string, options: FolderCheckOptions): Promise<ReleaseCheck> {
  const { manifestName } = options;
  const manifest = await readSmallFile(sourceDir, manifestName, MAX_MANIFEST_BYTES, 'manifest_too_large', options);
  if (!manifest.ok) return manifest.reason === 'missing_file' ? refusal('missing_manifest', `${manifestName} not found in ${sourceDir}`) : manifest;
  const sigName = signatureFileName(manifestName);
  const signature = await readSmallFile(sourceDir, sigName, MAX_SIGNATURE_BYTES, 'malformed_signature', options);
  if (!signature.ok && signature.reason !== 'missing_file') return signature;
  const trusted = verifyReleaseManifest({
    manifestName,
    manifestBytes: manifest.bytes,
    signatureBytes: signature.ok ? signature.bytes : null,
    trustedKeys: options.trustedKeys,
    currentVersion: options.currentVersion,
  });
  if (!trusted.ok) return trusted;

  const dir = join(stagingRoot, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    return refusal('write_error', `cannot create the staging folder: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const file of trusted.manifest.files) {
    const refused = await copyListed(sourceDir, dir, file, options);
    if (refused) {
      // A folder that cannot be removed now (an antivirus holding a file) is swept by the update service later.
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      return refused;
    }
  }
  return {
    ok: true,
    release: {
      manifestName,
      manifest: trusted.manifest,
      manifestBytes: manifest.bytes,
      signatureBytes: signature.ok ? signature.bytes : Buffer.alloc(0),
      dir,
      files: trusted.manifest.files.map((f) => f.url),
    },
  };
}
