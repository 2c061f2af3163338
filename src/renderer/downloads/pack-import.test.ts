// USB / LAN import, table-driven over hostile, broken and stalled folders: each is refused with its named code and
// leaves every stored row and byte exactly as it was (IndexedDB via fake-indexeddb). Good folders are stored complete,
// signed by the enrolled hub, without ever rewriting a file that is already stored.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PackListing } from '../../shared/content-protocol.ts';
import { contentFile, contentSnapshot, folderOf, manifestOf, patterned, sha, signed, storedBytes, testSigner, type TestSigner } from '../../../tests/support/pack-kit.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { storedFileBlob } from '../db/content-repo.ts';
import type { FolderFile, ImportTimer } from './folder-read.ts';
import type { ImportRefusalCode } from './import-refusal.ts';
import { importPackFolder, type ImportOptions } from './pack-import.ts';

const hub = testSigner();
const otherHub = testSigner();
const video = patterned(40_000, 1);
const pdf = new TextEncoder().encode('%PDF-1.4 handout');
const videoFile = contentFile('video/lesson.mp4', video);
const pdfFile = contentFile('讲义.pdf', pdf);
const good = (signer: TestSigner = hub) => signed(signer, manifestOf('pack-usb', [videoFile, pdfFile]));
const goodFiles = { 'video/lesson.mp4': video, '讲义.pdf': pdf };
const trust = { enrolled: true, hubKey: hub.key };

let db: AppDb;
beforeEach(() => {
  db = openAppDb(`import-test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

const run = (files: FolderFile[], options: Partial<ImportOptions> = {}) => importPackFolder(db, files, { trust, ...options });
const withName = (l: PackListing, path: string, signer = hub): PackListing => signed(signer, { ...l.manifest, files: [{ ...videoFile, path }, pdfFile] });
const reading = (path: string, bytes: Uint8Array, read: FolderFile['read']): FolderFile => ({ path, size: bytes.length, read });
const named = (name: string) => Object.assign(new Error(`${name} from the file system`), { name });

/** Something already stored before every hostile import: a good pack, complete, and another file partly downloaded. */
const partial = patterned(50_000, 7);
async function storedBefore() {
  expect((await run(folderOf(good(), goodFiles))).ok).toBe(true);
  const partialFile = contentFile('partial.bin', partial);
  await db.contentFiles.put({ sha256: partialFile.sha256, size: partialFile.size, mime: 'application/octet-stream', chunkSize: partialFile.chunkSize, chunks: partialFile.chunks, state: 'queued', doneBytes: 16_384 });
  await db.contentChunks.put({ sha256: partialFile.sha256, index: 0, data: new Blob([partial.slice(0, 16_384)]) });
}

type Case = [string, () => { files: FolderFile[]; options?: Partial<ImportOptions> }, ImportRefusalCode, string?];
const otherVideo = patterned(40_000, 2);
const cases: Case[] = [
  // the manifest
  ['no manifest', () => ({ files: folderOf(good(), goodFiles).slice(1) }), 'manifest_missing'],
  ['a manifest that is not JSON', () => ({ files: folderOf('{"manifest": ', goodFiles) }), 'manifest_not_json'],
  ['a manifest that is not UTF-8', () => ({ files: [reading('manifest.json', new Uint8Array([0x7b, 0xff, 0x7d]), (s, e) => Promise.resolve(new Uint8Array([0x7b, 0xff, 0x7d]).slice(s, e)))] }), 'manifest_not_json'],
  ['a manifest too large to be one', () => ({ files: [{ path: 'manifest.json', size: 9 * 1024 * 1024, read: () => Promise.reject(new Error('must not be read')) }] }), 'manifest_too_large'],
  ['a manifest of the wrong shape', () => ({ files: folderOf(JSON.stringify({ files: [] }), {}) }), 'manifest_invalid'],
  // names
  ['a traversal name in the manifest', () => ({ files: folderOf(withName(good(), '../../evil.mp4'), { '讲义.pdf': pdf }) }), 'unsafe_name', '../../evil.mp4'],
  ['percent-encoded dots in the manifest', () => ({ files: folderOf(withName(good(), '%2e%2e/evil.mp4'), goodFiles) }), 'unsafe_name', '%2e%2e/evil.mp4'],
  ['a right-to-left override', () => ({ files: folderOf(withName(good(), 'lesson\u202Epm4.exe'), goodFiles) }), 'unsafe_name', 'lesson\u202Epm4.exe'],
  ['a reserved device name', () => ({ files: folderOf(withName(good(), 'NUL.txt'), goodFiles) }), 'unsafe_name', 'NUL.txt'],
  ['COM1 as a folder', () => ({ files: folderOf(withName(good(), 'COM1/lesson.mp4'), goodFiles) }), 'unsafe_name', 'COM1/lesson.mp4'],
  ['a trailing dot', () => ({ files: folderOf(withName(good(), 'lesson.mp4.'), goodFiles) }), 'unsafe_name', 'lesson.mp4.'],
  ['a trailing space', () => ({ files: folderOf(withName(good(), 'lesson.mp4 '), goodFiles) }), 'unsafe_name', 'lesson.mp4 '],
  ['a "..." segment', () => ({ files: folderOf(withName(good(), '.../lesson.mp4'), goodFiles) }), 'unsafe_name', '.../lesson.mp4'],
  ['a C1 control in a folder entry', () => ({ files: folderOf(good(), { ...goodFiles, 'a\u0085b.txt': pdf }) }), 'unsafe_name', 'a\u0085b.txt'],
  ['a backslash in a folder entry', () => ({ files: folderOf(good(), { ...goodFiles, '..\\x': pdf }) }), 'unsafe_name', '..\\x'],
  [
    'é in NFC and NFD in the manifest',
    () => ({ files: folderOf(signed(hub, manifestOf('pack-usb', [{ ...pdfFile, path: 'caf\u00E9.pdf' }, { ...pdfFile, path: 'cafe\u0301.pdf' }])), { 'caf\u00E9.pdf': pdf, 'cafe\u0301.pdf': pdf }) }),
    'duplicate_name',
  ],
  ['σ and ς in the folder', () => ({ files: folderOf(good(), { ...goodFiles, 'οδος.txt': pdf, 'οδοσ.txt': pdf }) }), 'duplicate_name', 'οδοσ.txt'],
  ['ß and SS in the folder', () => ({ files: folderOf(good(), { ...goodFiles, 'straße.txt': pdf, 'STRASSE.txt': pdf }) }), 'duplicate_name', 'STRASSE.txt'],
  ['letter case in the folder', () => ({ files: folderOf(good(), { ...goodFiles, '讲义.PDF': pdf, '讲义.pdf': pdf }) }), 'duplicate_name'],
  // one content hash, one chunking
  [
    'the same bytes listed twice with different chunk sizes (signed)',
    () => ({ files: folderOf(signed(hub, manifestOf('pack-twice', [videoFile, contentFile('again.mp4', video, 32_768)])), { 'video/lesson.mp4': video, 'again.mp4': video }) }),
    'chunking_conflict',
    'again.mp4',
  ],
  // presence, sizes, bytes
  ['a missing file', () => ({ files: folderOf(good(), { 'video/lesson.mp4': video }) }), 'file_missing', '讲义.pdf'],
  ['a size lie', () => ({ files: folderOf(good(), { ...goodFiles, 'video/lesson.mp4': new Uint8Array([...video, 1]) }) }), 'size_mismatch', 'video/lesson.mp4'],
  ['a wrong chunk of the right size', () => ({ files: folderOf(good(), { ...goodFiles, 'video/lesson.mp4': video.map((b, i) => (i === 20_000 ? b ^ 1 : b)) }) }), 'chunk_mismatch', 'video/lesson.mp4'],
  [
    'chunk hashes that match but a wrong whole-file hash (signed)',
    () => ({ files: folderOf(signed(hub, manifestOf('pack-bad-hash', [{ ...videoFile, sha256: 'f'.repeat(64) }, pdfFile])), goodFiles) }),
    'hash_mismatch',
    'video/lesson.mp4',
  ],
  // who vouches for it
  ['a pack without a signature', () => ({ files: folderOf({ manifest: good().manifest, lessonIds: ['les-1'] }, goodFiles) }), 'signature_missing'],
  ['a pack signed by another hub', () => ({ files: folderOf(signed(otherHub, manifestOf('pack-other', [videoFile])), { 'video/lesson.mp4': video }) }), 'signature_invalid'],
  ['a manifest changed after signing', () => ({ files: folderOf({ ...good(), manifest: { ...good().manifest, title: '伪造的课' } }, goodFiles) }), 'signature_invalid'],
  ['a forged file swapped in with its hashes', () => ({ files: folderOf({ ...good(), manifest: { ...good().manifest, files: [{ ...contentFile('video/lesson.mp4', otherVideo) }, pdfFile] } }, { ...goodFiles, 'video/lesson.mp4': otherVideo }) }), 'signature_invalid'],
  ['a PC not enrolled', () => ({ files: folderOf(good(), goodFiles), options: { trust: { enrolled: false, hubKey: undefined } } }), 'not_enrolled'],
  ['a PC enrolled before packs were signed, offline since', () => ({ files: folderOf(good(), goodFiles), options: { trust: { enrolled: true, hubKey: undefined } } }), 'hub_key_unknown'],
  // a pack id already stored
  ['an older version of a stored pack', () => ({ files: folderOf(signed(hub, manifestOf('pack-usb', [pdfFile], '2026-11-24T00:00:00.000Z')), { '讲义.pdf': pdf }) }), 'pack_not_newer'],
  ['another version dated the same as the stored one', () => ({ files: folderOf(signed(hub, manifestOf('pack-usb', [pdfFile])), { '讲义.pdf': pdf }) }), 'pack_not_newer'],
  [
    'a newer version signed by the hub this PC is now enrolled with, over a pack from its old hub',
    () => ({ files: folderOf(signed(otherHub, manifestOf('pack-usb', [pdfFile], '2026-12-01T00:00:00.000Z')), { '讲义.pdf': pdf }), options: { trust: { enrolled: true, hubKey: otherHub.key } } }),
    'pack_other_source',
  ],
  // reading
  ['a file changed after picking (NotReadableError)', () => ({ files: [...folderOf(good(), { '讲义.pdf': pdf }), reading('video/lesson.mp4', video, () => Promise.reject(named('NotReadableError')))] }), 'file_changed', 'video/lesson.mp4'],
  ['a file that shrank after picking (short read)', () => ({ files: [...folderOf(good(), { '讲义.pdf': pdf }), reading('video/lesson.mp4', video, (s, e) => Promise.resolve(video.slice(s, Math.min(e, 30_000))))] }), 'file_changed', 'video/lesson.mp4'],
  ['a stick pulled out (NotFoundError)', () => ({ files: [...folderOf(good(), { '讲义.pdf': pdf }), reading('video/lesson.mp4', video, () => Promise.reject(named('NotFoundError')))] }), 'file_gone', 'video/lesson.mp4'],
  ['a read error', () => ({ files: [...folderOf(good(), { '讲义.pdf': pdf }), reading('video/lesson.mp4', video, () => Promise.reject(named('EncodingError')))] }), 'file_unreadable', 'video/lesson.mp4'],
];

describe('pack import: refusals', () => {
  it.each(cases)('refuses %s, named, and changes nothing stored', async (_name, make, code, path) => {
    await storedBefore();
    const before = await contentSnapshot(db);
    const { files, options } = make();
    const result = await run(files, options);
    expect(result).toMatchObject({ ok: false, refusal: { code, ...(path !== undefined ? { path } : {}) } });
    expect(await contentSnapshot(db)).toBe(before);
  });

  it('refuses a stalled LAN share after the timeout (a fake timer), storing nothing', async () => {
    await storedBefore();
    const before = await contentSnapshot(db);
    const timers: (() => void)[] = [];
    const timer: ImportTimer = (_ms, onTimeout) => {
      timers.push(onTimeout);
      return () => void timers.splice(timers.indexOf(onTimeout), 1);
    };
    let started!: () => void;
    const stalledRead = new Promise<void>((r) => (started = r));
    const stalled = reading('video/lesson.mp4', video, () => {
      started();
      return new Promise<Uint8Array>(() => undefined); // never answers, like a share that went away
    });
    const pending = run([...folderOf(good(), { '讲义.pdf': pdf }), stalled], { timer, timeoutMs: 30_000 });
    await stalledRead;
    timers.at(-1)?.();
    expect(await pending).toMatchObject({ ok: false, refusal: { code: 'read_timeout', path: 'video/lesson.mp4' } });
    expect(await contentSnapshot(db)).toBe(before);
  });

  it('stops at once when cancelled during a read, storing nothing', async () => {
    await storedBefore();
    const before = await contentSnapshot(db);
    const controller = new AbortController();
    const slow = reading('video/lesson.mp4', video, () => {
      controller.abort();
      return new Promise<Uint8Array>(() => undefined);
    });
    expect(await run([...folderOf(good(), { '讲义.pdf': pdf }), slow], { signal: controller.signal })).toMatchObject({ ok: false, refusal: { code: 'cancelled' } });
    expect(await contentSnapshot(db)).toBe(before);
  });

  it('refuses with quota_exceeded when the disk fills while storing, keeping everything as it was', async () => {
    await storedBefore();
    const before = await contentSnapshot(db);
    db.contentChunks.hook('creating', () => {
      throw new DOMException('disk full', 'QuotaExceededError');
    });
    const result = await run(folderOf(signed(hub, manifestOf('pack-new', [contentFile('new.bin', otherVideo)])), { 'new.bin': otherVideo }));
    expect(result).toMatchObject({ ok: false, refusal: { code: 'quota_exceeded' } });
    expect(await contentSnapshot(db)).toBe(before);
  });
});

describe('pack import: what is stored', () => {
  it('stores a good pack complete, signed, with its lessons, ready to play', async () => {
    const result = await run(folderOf(good(), goodFiles));
    expect(result).toEqual({ ok: true, packId: 'pack-usb', title: '资料包 pack-usb', files: 2, update: 'new' });
    const blob = await storedFileBlob(db, videoFile.sha256);
    expect(sha(new Uint8Array(await (blob ?? new Blob()).arrayBuffer()))).toBe(videoFile.sha256);
    expect(await db.lessonPacks.where('lessonId').equals('les-1').count()).toBe(1);
    expect(await db.packs.get('pack-usb')).toMatchObject({ source: 'import', signature: good().signature, signedBy: hub.key });
  });

  it('never rewrites a file already stored complete under another chunk size', async () => {
    expect((await run(folderOf(good(), goodFiles))).ok).toBe(true);
    const before = await db.contentChunks.where('sha256').equals(videoFile.sha256).toArray();
    const rechunked = contentFile('lesson-32k.mp4', video, 32_768);
    expect(await run(folderOf(signed(hub, manifestOf('pack-32k', [rechunked])), { 'lesson-32k.mp4': video }))).toMatchObject({ ok: true, update: 'new' });
    expect(await db.contentChunks.where('sha256').equals(videoFile.sha256).toArray()).toEqual(before);
    expect(await db.contentFiles.get(videoFile.sha256)).toMatchObject({ chunkSize: 16_384, state: 'complete' });
    expect(sha(await storedBytes(db, videoFile.sha256))).toBe(videoFile.sha256);
  });

  it('completes a file partly downloaded under another chunk size in its own chunking, keeping its stored chunk', async () => {
    await storedBefore();
    const partialSha = sha(partial);
    const [kept] = await db.contentChunks.where('sha256').equals(partialSha).toArray();
    const as32k = contentFile('partial.bin', partial, 32_768);
    expect(await run(folderOf(signed(hub, manifestOf('pack-partial', [as32k])), { 'partial.bin': partial }))).toMatchObject({ ok: true });
    const row = await db.contentFiles.get(partialSha);
    expect(row).toMatchObject({ chunkSize: 16_384, state: 'complete', doneBytes: partial.length });
    expect(await db.contentChunks.get([partialSha, 0])).toEqual(kept);
    expect(sha(await storedBytes(db, partialSha))).toBe(partialSha);
    expect(await db.contentChunks.where('sha256').equals(partialSha).count()).toBe(row?.chunks.length);
  });

  it('takes the same pack again without changing a stored byte, and restores an evicted file from it', async () => {
    expect((await run(folderOf(good(), goodFiles))).ok).toBe(true);
    await db.contentChunks.where('sha256').equals(pdfFile.sha256).delete();
    await db.contentFiles.update(pdfFile.sha256, { state: 'evicted', doneBytes: 0 });
    const videoChunks = await db.contentChunks.where('sha256').equals(videoFile.sha256).toArray();
    expect(await run(folderOf(good(), goodFiles))).toMatchObject({ ok: true, update: 'same' });
    expect(await db.contentChunks.where('sha256').equals(videoFile.sha256).toArray()).toEqual(videoChunks);
    expect(await db.contentFiles.get(pdfFile.sha256)).toMatchObject({ state: 'complete' });
    expect(new TextDecoder().decode(await storedBytes(db, pdfFile.sha256))).toBe('%PDF-1.4 handout');
  });

  it('replaces a pack by a newer version from the same hub, dropping only the files nothing uses any more', async () => {
    expect((await run(folderOf(good(), goodFiles))).ok).toBe(true);
    expect((await run(folderOf(signed(hub, manifestOf('pack-other', [pdfFile])), { '讲义.pdf': pdf }))).ok).toBe(true);
    const newVideo = contentFile('video/lesson.mp4', otherVideo);
    const v2 = signed(hub, manifestOf('pack-usb', [newVideo, pdfFile], '2026-11-26T00:00:00.000Z', '资料包（修订）'));
    expect(await run(folderOf(v2, { 'video/lesson.mp4': otherVideo, '讲义.pdf': pdf }))).toMatchObject({ ok: true, update: 'replace', title: '资料包（修订）' });
    expect(await db.contentFiles.get(videoFile.sha256)).toBeUndefined();
    expect(await db.contentChunks.where('sha256').equals(videoFile.sha256).count()).toBe(0);
    expect(sha(await storedBytes(db, newVideo.sha256))).toBe(newVideo.sha256);
    expect(await db.contentFiles.get(pdfFile.sha256)).toMatchObject({ state: 'complete' }); // still used by pack-other
  });

  it('adds the lessons a folder names to the pack’s, never dropping the ones this PC had', async () => {
    expect((await run(folderOf(good(), goodFiles))).ok).toBe(true);
    const fromAnotherClassroom = { ...good(), lessonIds: ['les-other-classroom'] };
    expect(await run(folderOf(fromAnotherClassroom, goodFiles))).toMatchObject({ ok: true, update: 'same' });
    expect((await db.lessonPacks.where('packId').equals('pack-usb').toArray()).map((l) => l.lessonId).sort()).toEqual(['les-1', 'les-other-classroom']);
  });

  it('reports progress over every byte of the pack', async () => {
    const seen: [number, number][] = [];
    await run(folderOf(good(), goodFiles), { onProgress: (done, total) => seen.push([done, total]) });
    expect(seen.at(-1)).toEqual([video.length + pdf.length, video.length + pdf.length]);
  });
});
