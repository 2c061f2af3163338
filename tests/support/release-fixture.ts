// Builds a release folder the way electron-builder lays one out (latest.yml + installer + blockmap), with real files
// and real sha512 values, signed like `npm run hub:publish-update` signs (latest.yml.sig) with a key made for the test
// run — for the USB verifier, the update service and the hub's update feed tests.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { generatePublisherKey, publisherKeyFromPem, signManifest, type PublisherKey } from '../../hub/features/updates/release-signing.ts';
import { signatureFileName } from '../../src/shared/release-signature.ts';

export type ReleaseFixture = { dir: string; version: string; installer: string; installerBytes: Buffer; manifest: Record<string, unknown>; manifestName: string };

export const sha512Base64 = (data: Buffer) => createHash('sha512').update(data).digest('base64');

/** The publisher key of this test run (the app under test trusts its public key); a second one it does not trust. */
export const testPublisher: PublisherKey = publisherKeyFromPem(generatePublisherKey().privatePem);
export const strangerPublisher: PublisherKey = publisherKeyFromPem(generatePublisherKey().privatePem);

/** A signature file for these manifest bytes (e.g. by a key the app does not carry). */
export const signatureFor = (key: PublisherKey, manifestName: string, bytes: Buffer) => signManifest(key, manifestName, bytes);

/** (Re-)signs the manifest in `dir` as it is on disk now. */
export async function signFolder(dir: string, manifestName = 'latest.yml', key: PublisherKey = testPublisher): Promise<void> {
  const bytes = await readFile(join(dir, manifestName));
  await writeFile(join(dir, signatureFileName(manifestName)), signManifest(key, manifestName, bytes), 'utf8');
}

export async function writeReleaseFixture(
  dir: string,
  opts: { version?: string; size?: number; manifestName?: string; stagingPercentage?: number; key?: PublisherKey | null } = {},
): Promise<ReleaseFixture> {
  const version = opts.version ?? '0.2.0';
  const manifestName = opts.manifestName ?? 'latest.yml';
  const installer = `yunketang-receiver-setup-${version}.exe`;
  const installerBytes = randomBytes(opts.size ?? 256 * 1024);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, installer), installerBytes);
  // A blockmap is gzip'd JSON in real releases; its content does not matter to the feed.
  const blockmap = randomBytes(2048);
  await writeFile(join(dir, `${installer}.blockmap`), blockmap);
  const manifest: Record<string, unknown> = {
    version,
    files: [{ url: installer, sha512: sha512Base64(installerBytes), size: installerBytes.length, blockMapSize: blockmap.length }],
    path: installer,
    sha512: sha512Base64(installerBytes),
    releaseDate: '2026-03-01T10:00:00.000Z',
    ...(opts.stagingPercentage === undefined ? {} : { stagingPercentage: opts.stagingPercentage }),
  };
  await writeFile(join(dir, manifestName), dump(manifest), 'utf8');
  if (opts.key !== null) await signFolder(dir, manifestName, opts.key ?? testPublisher);
  return { dir, version, installer, installerBytes, manifest, manifestName };
}
