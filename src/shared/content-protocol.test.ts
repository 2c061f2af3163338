import { describe, expect, it } from 'vitest';
import { ContentFile, manifestRefusalOf, PackListing, PackManifest, packSignedText } from './content-protocol.ts';

const hex = (c: string) => c.repeat(64);

const file = { path: 'a.mp4', size: 300_000, mime: 'video/mp4', sha256: hex('a'), chunkSize: 262_144, chunks: [hex('b'), hex('c')] };
const manifest = { protocol: 1, id: 'p', kind: 'preview', title: 't', createdAt: '2026-11-25T00:00:00Z', files: [file] };

describe('ContentFile and PackManifest', () => {
  it('accepts a consistent file and refuses a chunk list that does not match the size', () => {
    expect(ContentFile.safeParse(file).success).toBe(true);
    expect(ContentFile.safeParse({ ...file, chunks: [hex('b')] }).success).toBe(false);
    expect(ContentFile.safeParse({ ...file, sha256: 'A'.repeat(64) }).success).toBe(false);
  });

  it.each(['../a.mp4', 'NUL.mp4', 'a\u202Epm4.exe', '%2e%2e/a.mp4', 'a.mp4.'])('refuses the unsafe name %j', (path) => {
    expect(ContentFile.safeParse({ ...file, path }).success).toBe(false);
  });

  it.each([
    ['letter case', 'A.mp4'],
    ['NFD of an NFC name', 'caf\u00E9.mp4', 'cafe\u0301.mp4'],
    ['final sigma', 'οδος.mp4', 'οδοσ.mp4'],
  ])('refuses two paths that are one name (%s)', (_what, a, b = file.path) => {
    expect(PackManifest.safeParse({ ...manifest, files: [{ ...file, path: a }, { ...file, path: b }] }).success).toBe(false);
    expect(PackManifest.safeParse(manifest).success).toBe(true);
  });
});

describe('one content hash, one chunking', () => {
  const copy = { ...file, path: 'copy.mp4' };
  it.each([
    ['another chunk size', { ...copy, chunkSize: 131_072, chunks: [hex('b'), hex('c'), hex('d')] }],
    ['other chunk hashes', { ...copy, chunks: [hex('b'), hex('d')] }],
    ['another size', { ...copy, size: 290_000 }],
  ])('refuses a manifest listing the same bytes twice with %s, naming both entries', (_what, other) => {
    const parsed = PackManifest.safeParse({ ...manifest, files: [file, other] });
    expect(parsed.success).toBe(false);
    expect(parsed.error && manifestRefusalOf(parsed.error)).toEqual({ refusal: 'chunking_conflict', path: 'copy.mp4', other: 'a.mp4' });
    // the listing a classroom reads goes through the same refinement
    expect(PackListing.safeParse({ manifest: { ...manifest, files: [file, other] }, lessonIds: [] }).success).toBe(false);
  });

  it('accepts the same bytes twice under one chunking (one stored row serves both)', () => {
    expect(PackManifest.safeParse({ ...manifest, files: [file, copy] }).success).toBe(true);
  });
});

describe('pack signatures on the wire', () => {
  it('signs the same text whatever order the manifest’s keys arrived in', () => {
    const parsed = PackManifest.parse(manifest);
    const shuffled = PackManifest.parse(Object.fromEntries(Object.entries(manifest).reverse()));
    expect(packSignedText(shuffled)).toBe(packSignedText(parsed));
    expect(packSignedText(parsed)).toMatch(/^ykt-pack-manifest-v1\n\{"createdAt":/);
  });

  it('accepts a listing without a signature (refused by policy, with a name) and refuses a malformed one', () => {
    expect(PackListing.safeParse({ manifest, lessonIds: [] }).success).toBe(true);
    expect(PackListing.safeParse({ manifest, lessonIds: [], signature: 'x'.repeat(86) }).success).toBe(false);
    expect(PackListing.safeParse({ manifest, lessonIds: [], signature: `${'x'.repeat(85)}A` }).success).toBe(true);
  });
});
