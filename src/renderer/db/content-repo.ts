// Offline content in IndexedDB: packs and their lessons, files and their verified chunks, playback positions. A chunk
// row exists only once its SHA-256 matched the manifest, and a file is 'complete' only once the whole-file hash did.
import type { ContentFile, PackListing, PackManifest } from '../../shared/content-protocol.ts';
import type { AppDb } from './app-db.ts';
import type { EvictionPack } from '../downloads/eviction-policy.ts';
import type { ContentFileRow, PackRow, PlaybackRow } from './content-rows.ts';
import { decidePackUpdate, type PackUpdate } from './pack-replacement.ts';

export function fileRowOf(f: ContentFile): ContentFileRow {
  return { sha256: f.sha256, size: f.size, mime: f.mime, chunkSize: f.chunkSize, chunks: f.chunks, state: f.size === 0 ? 'complete' : 'queued', doneBytes: 0 };
}

export type PackRefusal = { packId: string; code: 'pack_not_newer' | 'pack_other_source' };

/** Files of `old` that no pack uses any more once it is replaced: their chunks and rows go (nothing is orphaned). */
async function dropOrphanedFiles(db: AppDb, replaced: PackManifest) {
  const used = new Set((await db.packs.toArray()).flatMap((p) => p.manifest.files.map((f) => f.sha256)));
  for (const sha256 of new Set(replaced.files.map((f) => f.sha256))) {
    if (used.has(sha256)) continue;
    await db.contentChunks.where('sha256').equals(sha256).delete();
    await db.contentFiles.delete(sha256);
  }
}

/**
 * Stores one listing whose signature was verified (by `signedBy`) or, for rows the caller vouches for, none: a new pack,
 * the same manifest again (its lessons and signature refresh), or a newer version that replaces it. Files already known
 * are never touched — a file's row and chunks are one unit, identified by its bytes. The hub's list is the truth about
 * this classroom's lessons, so its links replace the pack's; a folder's links (another PC's lessons, unsigned) only add.
 * Call inside a transaction over packs, lessonPacks, contentFiles and contentChunks.
 */
export async function putPackListing(db: AppDb, listing: PackListing, source: PackRow['source'], signedBy: string | undefined): Promise<PackUpdate> {
  const { manifest, lessonIds, signature } = listing;
  const old = await db.packs.get(manifest.id);
  const update = decidePackUpdate(old, { manifest, signedBy });
  if (typeof update === 'object') return update;
  await db.packs.put({
    id: manifest.id,
    manifest: update === 'same' && old ? old.manifest : manifest,
    pinned: old?.pinned ?? false,
    lastUsedAt: old?.lastUsedAt ?? 0,
    source: old?.source ?? source,
    ...(signature !== undefined ? { signature } : old?.signature !== undefined ? { signature: old.signature } : {}),
    ...(signedBy !== undefined ? { signedBy } : old?.signedBy !== undefined ? { signedBy: old.signedBy } : {}),
  });
  if (source === 'hub') await db.lessonPacks.where('packId').equals(manifest.id).delete();
  await db.lessonPacks.bulkPut(lessonIds.map((lessonId) => ({ lessonId, packId: manifest.id })));
  for (const f of manifest.files) if (!(await db.contentFiles.get(f.sha256))) await db.contentFiles.put(fileRowOf(f));
  if (update === 'replace' && old) await dropOrphanedFiles(db, old.manifest);
  return update;
}

/** Records what the hub says the classroom's lessons need (already verified); queues files not yet known. Keeps pins
 * and use times. Returns the packs refused by the replacement rule. */
export async function savePackListings(db: AppDb, listings: PackListing[], source: PackRow['source'] = 'hub', signedBy?: string): Promise<PackRefusal[]> {
  return db.transaction('rw', [db.packs, db.lessonPacks, db.contentFiles, db.contentChunks], async () => {
    const refused: PackRefusal[] = [];
    for (const listing of listings) {
      const update = await putPackListing(db, listing, source, signedBy);
      if (typeof update === 'object') refused.push({ packId: listing.manifest.id, code: update.refuse });
    }
    return refused;
  });
}

/** Verified bytes of one file, cut at the chunking they are to be stored under. */
export type VerifiedFile = { sha256: string; size: number; chunkSize: number; chunks: readonly string[]; parts: Blob[] };

/**
 * Adds verified bytes to the store without ever changing a stored byte: a complete file is left alone; a partly stored
 * one gets only its missing chunks, and only under its own chunking; a new one is stored whole. Returns whether the file
 * is complete afterwards. Call inside a transaction over contentFiles and contentChunks.
 */
export async function putVerifiedFile(db: AppDb, file: ContentFile, verified: VerifiedFile | undefined): Promise<boolean> {
  const stored = await db.contentFiles.get(file.sha256);
  if (stored?.state === 'complete') return true;
  const row = stored ?? fileRowOf(file);
  const sameChunking = verified !== undefined && verified.chunkSize === row.chunkSize && verified.chunks.length === row.chunks.length && verified.chunks.every((c, i) => c === row.chunks[i]);
  if (!verified || !sameChunking) return false; // stored under another chunking than was prepared: the downloader finishes it
  const have = await storedChunkIndexes(db, file.sha256);
  await db.contentChunks.bulkAdd(verified.parts.map((data, index) => ({ sha256: file.sha256, index, data })).filter((c) => !have.has(c.index)));
  const done: ContentFileRow = { ...row, state: 'complete', doneBytes: row.size };
  delete done.lastError; // a failure of an earlier download no longer applies
  await db.contentFiles.put(done);
  return true;
}

export async function storedChunkIndexes(db: AppDb, sha256: string): Promise<Set<number>> {
  const keys = await db.contentChunks.where('sha256').equals(sha256).primaryKeys();
  return new Set(keys.map(([, index]) => index));
}

/** Stores one verified chunk and counts its bytes, in one transaction (a crash keeps both or neither). */
export async function putVerifiedChunk(db: AppDb, sha256: string, index: number, data: Blob): Promise<void> {
  await db.transaction('rw', db.contentChunks, db.contentFiles, async () => {
    // Already there, or the file went meanwhile (its pack was replaced): never leave a chunk without its file row.
    if ((await db.contentChunks.get([sha256, index])) || !(await db.contentFiles.get(sha256))) return;
    await db.contentChunks.put({ sha256, index, data });
    await db.contentFiles.where('sha256').equals(sha256).modify((f) => void (f.doneBytes += data.size));
  });
}

export async function setFileState(db: AppDb, sha256: string, state: ContentFileRow['state'], lastError?: string): Promise<void> {
  await db.contentFiles.update(sha256, lastError === undefined ? { state } : { state, lastError });
}

/** Drops every chunk of a file (after a whole-file mismatch, or eviction) and re-queues it. */
export async function resetFile(db: AppDb, sha256: string, state: ContentFileRow['state'] = 'queued'): Promise<void> {
  await db.transaction('rw', db.contentChunks, db.contentFiles, async () => {
    await db.contentChunks.where('sha256').equals(sha256).delete();
    await db.contentFiles.update(sha256, { state, doneBytes: 0 });
  });
}

/** The stored file as one Blob (no copy: a Blob of the chunk Blobs), or undefined unless complete. */
export async function storedFileBlob(db: AppDb, sha256: string): Promise<Blob | undefined> {
  const file = await db.contentFiles.get(sha256);
  if (file?.state !== 'complete') return undefined;
  const chunks = await db.contentChunks.where('sha256').equals(sha256).sortBy('index');
  if (chunks.length !== file.chunks.length) return undefined;
  return new Blob(chunks.map((c) => c.data), { type: file.mime });
}

export type LessonContent = { pack: PackManifest; files: { file: ContentFile; row: ContentFileRow | undefined }[] };

export async function lessonContent(db: AppDb, lessonId: string): Promise<LessonContent[]> {
  const links = await db.lessonPacks.where('lessonId').equals(lessonId).toArray();
  const packs = (await db.packs.bulkGet(links.map((l) => l.packId))).filter((p): p is PackRow => p !== undefined);
  const out: LessonContent[] = [];
  for (const p of packs.sort((a, b) => b.manifest.kind.localeCompare(a.manifest.kind))) { // the recording first
    const rows = await db.contentFiles.bulkGet(p.manifest.files.map((f) => f.sha256));
    out.push({ pack: p.manifest, files: p.manifest.files.map((file, i) => ({ file, row: rows[i] })) });
  }
  return out;
}

export type Readiness = { state: 'none' | 'pending' | 'downloading' | 'ready'; doneBytes: number; totalBytes: number };

/** Per lesson: no content, nothing yet, partly there (bytes), or every file complete. */
export async function readinessOf(db: AppDb, lessonIds: string[]): Promise<Map<string, Readiness>> {
  const result = new Map<string, Readiness>();
  for (const lessonId of lessonIds) {
    const content = await lessonContent(db, lessonId);
    const seen = new Set<string>();
    let done = 0;
    let total = 0;
    let complete = true;
    for (const { files } of content) {
      for (const { file, row } of files) {
        if (seen.has(file.sha256)) continue;
        seen.add(file.sha256);
        total += file.size;
        done += row?.state === 'complete' ? file.size : (row?.doneBytes ?? 0);
        if (row?.state !== 'complete') complete = false;
      }
    }
    const state = seen.size === 0 ? 'none' : complete ? 'ready' : done > 0 ? 'downloading' : 'pending';
    result.set(lessonId, { state, doneBytes: done, totalBytes: total });
  }
  return result;
}

export async function markPackUsed(db: AppDb, packId: string, now: number): Promise<void> {
  await db.packs.update(packId, { lastUsedAt: now });
}

export async function setPinned(db: AppDb, packId: string, pinned: boolean): Promise<void> {
  await db.packs.update(packId, { pinned });
}

export const getPlayback = (db: AppDb, key: string) => db.playback.get(key);
export async function savePlayback(db: AppDb, row: PlaybackRow): Promise<void> {
  await db.playback.put(row);
}

/** What the eviction policy needs to know about every stored pack. */
export async function evictionCandidates(db: AppDb): Promise<EvictionPack[]> {
  const [packs, links, lessons, files] = await Promise.all([db.packs.toArray(), db.lessonPacks.toArray(), db.lessons.toArray(), db.contentFiles.toArray()]);
  const starts = new Map(lessons.map((l) => [l.id, Date.parse(l.startsAt)]));
  const stored = new Map(files.map((f) => [f.sha256, f.state === 'complete' ? f.size : f.doneBytes]));
  return packs.map((p) => ({
    id: p.id,
    pinned: p.pinned,
    lastUsedAt: p.lastUsedAt,
    lessonStarts: links.filter((l) => l.packId === p.id).map((l) => starts.get(l.lessonId)).filter((s): s is number => s !== undefined),
    files: p.manifest.files.map((f) => ({ sha256: f.sha256, bytes: stored.get(f.sha256) ?? 0 })),
  }));
}

/** Deletes the stored bytes of these packs' files, except files another pack still uses; they are not re-fetched by themselves. */
export async function evictPacks(db: AppDb, packIds: string[]): Promise<string[]> {
  return db.transaction('rw', db.packs, db.contentFiles, db.contentChunks, async () => {
    const packs = await db.packs.toArray();
    const gone = new Set(packIds);
    const kept = new Set(packs.filter((p) => !gone.has(p.id)).flatMap((p) => p.manifest.files.map((f) => f.sha256)));
    const victims = [...new Set(packs.filter((p) => gone.has(p.id)).flatMap((p) => p.manifest.files.map((f) => f.sha256)))].filter((s) => !kept.has(s));
    for (const sha of victims) {
      await db.contentChunks.where('sha256').equals(sha).delete();
      await db.contentFiles.update(sha, { state: 'evicted', doneBytes: 0 });
    }
    return victims;
  });
}

/** "Download again" for an evicted file (the teacher opened it). */
export async function requeueFile(db: AppDb, sha256: string): Promise<void> {
  await db.contentFiles.where('sha256').equals(sha256).and((f) => f.state === 'evicted').modify({ state: 'queued' });
}
