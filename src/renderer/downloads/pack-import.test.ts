// USB / LAN import, table-driven over hostile folders: each is refused with a clear reason and leaves IndexedDB exactly
// as it was; a good folder is stored complete and plays without any download.
import 'fake-indexeddb/auto';
import { sha256 } from 'hash-wasm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PackListing } from '../../shared/content-protocol.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { storedFileBlob } from '../db/content-repo.ts';
import { checkPackFolder } from './import-validation.ts';
import { importPackFolder, type FolderFile } from './pack-import.ts';

const CHUNK = 16_384;
const video = new Uint8Array(40_000).map((_, i) => (i * 7) % 251);
const pdf = new TextEncoder().encode('%PDF-1.4 handout');

async function fileEntry(path: string, bytes: Uint8Array, mime: string) {
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(await sha256(bytes.subarray(i, i + CHUNK)));
  return { path, size: bytes.length, mime, sha256: await sha256(bytes), chunkSize: CHUNK, chunks };
}

async function goodListing(): Promise<PackListing> {
  return {
    manifest: { protocol: 1, id: 'pack-usb', kind: 'preview', title: 'U盘预习包', createdAt: '2026-11-25T00:00:00Z', files: [await fileEntry('video/lesson.mp4', video, 'video/mp4'), await fileEntry('讲义.pdf', pdf, 'application/pdf')] },
    lessonIds: ['les-1'],
  };
}

const folderFile = (path: string, bytes: Uint8Array): FolderFile => ({ path, size: bytes.length, read: (s, e) => Promise.resolve(bytes.slice(s, e)) });
const folder = (manifest: string, files: Record<string, Uint8Array>) => [folderFile('manifest.json', new TextEncoder().encode(manifest)), ...Object.entries(files).map(([p, b]) => folderFile(p, b))];

let db: AppDb;
beforeEach(() => {
  db = openAppDb(`import-test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

async function snapshot() {
  return JSON.stringify({ packs: await db.packs.toArray(), files: await db.contentFiles.toArray(), chunks: await db.contentChunks.count(), links: await db.lessonPacks.toArray() });
}

describe('pack import from a folder', () => {
  it('stores a good pack complete, with its lessons, ready to play', async () => {
    const listing = await goodListing();
    const result = await importPackFolder(db, folder(JSON.stringify(listing), { 'video/lesson.mp4': video, '讲义.pdf': pdf }));
    expect(result).toEqual({ ok: true, packId: 'pack-usb', title: 'U盘预习包', files: 2 });
    const blob = await storedFileBlob(db, listing.manifest.files[0]?.sha256 ?? '');
    expect(await sha256(new Uint8Array(await (blob ?? new Blob()).arrayBuffer()))).toBe(listing.manifest.files[0]?.sha256);
    expect(await db.lessonPacks.where('lessonId').equals('les-1').count()).toBe(1);
  });

  type Hostile = [string, (l: PackListing) => { manifest: string; files: Record<string, Uint8Array> }, RegExp];
  const hostile: Hostile[] = [
    ['a manifest that is not JSON', () => ({ manifest: '{"manifest": ', files: { 'video/lesson.mp4': video, '讲义.pdf': pdf } }), /not JSON/],
    ['a traversal name in the manifest', (l) => ({ manifest: JSON.stringify({ ...l, manifest: { ...l.manifest, files: [{ ...l.manifest.files[0], path: '../../evil.mp4' }] } }), files: { '../../evil.mp4': video } }), /unsafe file name/],
    ['an absolute name in the manifest', (l) => ({ manifest: JSON.stringify({ ...l, manifest: { ...l.manifest, files: [{ ...l.manifest.files[0], path: '/etc/x' }] } }), files: {} }), /unsafe file name/],
    ['a backslash name in the folder', (l) => ({ manifest: JSON.stringify(l), files: { 'video/lesson.mp4': video, '讲义.pdf': pdf, '..\\x': pdf } }), /backslash/],
    ['a size lie (file larger than declared)', (l) => ({ manifest: JSON.stringify(l), files: { 'video/lesson.mp4': new Uint8Array([...video, 1]), '讲义.pdf': pdf } }), /has 40001 bytes, the manifest says 40000/],
    ['a truncated file', (l) => ({ manifest: JSON.stringify(l), files: { 'video/lesson.mp4': video.slice(0, 30_000), '讲义.pdf': pdf } }), /30000 bytes/],
    ['a missing file', (l) => ({ manifest: JSON.stringify(l), files: { 'video/lesson.mp4': video } }), /讲义.pdf is missing/],
    ['a wrong chunk (same size)', (l) => ({ manifest: JSON.stringify(l), files: { 'video/lesson.mp4': video.map((b, i) => (i === 20_000 ? b ^ 1 : b)), '讲义.pdf': pdf } }), /chunk 1 does not match/],
    [
      'chunk hashes consistent with the bytes but a wrong whole-file hash',
      (l) => ({ manifest: JSON.stringify({ ...l, manifest: { ...l.manifest, files: l.manifest.files.map((f) => ({ ...f, sha256: 'f'.repeat(64) })) } }), files: { 'video/lesson.mp4': video, '讲义.pdf': pdf } }),
      /does not match its SHA-256/,
    ],
    ['a manifest of the wrong shape', () => ({ manifest: JSON.stringify({ files: [] }), files: {} }), /manifest.json: manifest/],
  ];

  it.each(hostile)('refuses %s and changes nothing stored', async (_name, make, reason) => {
    await importPackFolder(db, folder(JSON.stringify(await goodListing()), { 'video/lesson.mp4': video, '讲义.pdf': pdf })); // something already stored
    const before = await snapshot();
    const { manifest, files } = make(await goodListing());
    const result = await importPackFolder(db, folder(manifest, files));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
    expect(await snapshot()).toBe(before);
  });

  it('says plainly when there is no manifest', () => {
    expect(checkPackFolder(undefined, [])).toEqual({ ok: false, reason: 'manifest.json is missing' });
  });
});
