import { describe, expect, it } from 'vitest';
import { ContentFile, PackManifest, unsafePathReason } from './content-protocol.ts';

const hex = (c: string) => c.repeat(64);

describe('unsafePathReason (file names in manifests, from the hub or a USB stick)', () => {
  it.each([
    ['lesson.mp4', null],
    ['练习/题目.txt', null],
    ['a/b/c.pdf', null],
    ['..', 'has an empty, "." or ".." segment'],
    ['../etc/passwd', 'has an empty, "." or ".." segment'],
    ['a/../../b', 'has an empty, "." or ".." segment'],
    ['a//b', 'has an empty, "." or ".." segment'],
    ['./a', 'has an empty, "." or ".." segment'],
    ['/etc/passwd', 'is absolute'],
    ['C:/Windows/x', 'starts with a drive letter'],
    ['..\\x', 'contains a backslash'],
    ['a\0b', 'contains NUL'],
    ['a\nb', 'contains a control character'],
    ['', 'empty or longer than 255 characters'],
    ['x'.repeat(256), 'empty or longer than 255 characters'],
  ])('%j → %s', (path, reason) => {
    expect(unsafePathReason(path)).toBe(reason);
  });
});

const file = { path: 'a.mp4', size: 300_000, mime: 'video/mp4', sha256: hex('a'), chunkSize: 262_144, chunks: [hex('b'), hex('c')] };

describe('ContentFile and PackManifest', () => {
  it('accepts a consistent file and refuses a chunk list that does not match the size', () => {
    expect(ContentFile.safeParse(file).success).toBe(true);
    expect(ContentFile.safeParse({ ...file, chunks: [hex('b')] }).success).toBe(false);
    expect(ContentFile.safeParse({ ...file, sha256: 'A'.repeat(64) }).success).toBe(false);
    expect(ContentFile.safeParse({ ...file, path: '../a.mp4' }).success).toBe(false);
  });

  it('refuses duplicate paths, even differing only in case', () => {
    const manifest = { protocol: 1, id: 'p', kind: 'preview', title: 't', createdAt: '2026-11-25T00:00:00Z', files: [file, { ...file, path: 'A.mp4' }] };
    expect(PackManifest.safeParse(manifest).success).toBe(false);
    expect(PackManifest.safeParse({ ...manifest, files: [file] }).success).toBe(true);
  });
});
