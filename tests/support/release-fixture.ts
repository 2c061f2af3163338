// Builds a release folder the way electron-builder lays one out (latest.yml + installer + blockmap), with real files
// and real sha512 values, for the USB verifier and the hub's update feed tests.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump } from 'js-yaml';

export type ReleaseFixture = { dir: string; version: string; installer: string; installerBytes: Buffer; manifest: Record<string, unknown> };

export const sha512Base64 = (data: Buffer) => createHash('sha512').update(data).digest('base64');

export async function writeReleaseFixture(
  dir: string,
  opts: { version?: string; size?: number; manifestName?: string; stagingPercentage?: number } = {},
): Promise<ReleaseFixture> {
  const version = opts.version ?? '0.2.0';
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
  await writeFile(join(dir, opts.manifestName ?? 'latest.yml'), dump(manifest), 'utf8');
  return { dir, version, installer, installerBytes, manifest };
}
