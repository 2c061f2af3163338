// Import a pack folder (USB stick, LAN share): names, manifest and the enrolled hub's signature first, then every byte
// read (bounded, cancellable) and verified, and only then everything stored in one transaction that never changes a
// stored byte. Any refusal — named, see import-refusal.ts — leaves IndexedDB exactly as it was.
import { MANIFEST_FILE, type ContentFile, type PackListing } from '../../shared/content-protocol.ts';
import type { AppDb } from '../db/app-db.ts';
import { putPackListing, putVerifiedFile, type VerifiedFile } from '../db/content-repo.ts';
import { decidePackUpdate } from '../db/pack-replacement.ts';
import { quotaAware } from './download-manager.ts';
import { DEFAULT_READ_TIMEOUT_MS, guardedRead, realTimer, type FolderFile, type ImportTimer, type ReadGuard } from './folder-read.ts';
import { ImportRefused, refuse, type ImportRefusal } from './import-refusal.ts';
import { checkSignature, MAX_MANIFEST_BYTES, parsePackFolder, rechunk, verifyFileBytes, type ImportTrust } from './import-validation.ts';

export type { FolderFile } from './folder-read.ts';
export type ImportOptions = {
  trust: ImportTrust;
  signal?: AbortSignal;
  timeoutMs?: number;
  timer?: ImportTimer;
  /** Bytes verified so far of all the pack's files, for a progress bar. */
  onProgress?: (done: number, total: number) => void;
};
export type ImportResult = { ok: true; packId: string; title: string; files: number; update: 'new' | 'same' | 'replace' } | { ok: false; refusal: ImportRefusal };

async function readManifest(files: FolderFile[], guard: ReadGuard) {
  const file = files.find((f) => f.path === MANIFEST_FILE) ?? refuse('manifest_missing', MANIFEST_FILE);
  if (file.size > MAX_MANIFEST_BYTES) refuse('manifest_too_large', MANIFEST_FILE, `${file.size} bytes`);
  return { file, bytes: await guardedRead(file, 0, file.size, guard) };
}

/** Which verified bytes to store for a file, under the chunking it is (or will be) stored with; none if complete. */
async function prepare(db: AppDb, file: ContentFile, parts: Blob[]): Promise<VerifiedFile | undefined> {
  const row = await db.contentFiles.get(file.sha256);
  if (row?.state === 'complete') return undefined;
  if (!row || (row.chunkSize === file.chunkSize && row.chunks.join() === file.chunks.join())) return { ...file, parts };
  const recut = await rechunk(new Blob(parts), row.chunkSize, row.chunks);
  return recut ? { sha256: file.sha256, size: file.size, chunkSize: row.chunkSize, chunks: row.chunks, parts: recut } : undefined;
}

async function store(db: AppDb, listing: PackListing, signedBy: string, prepared: Map<string, VerifiedFile>) {
  try {
    return await db.transaction('rw', [db.packs, db.lessonPacks, db.contentFiles, db.contentChunks], async () => {
      // Decided again inside the transaction: the hub's list may have stored this pack while the bytes were read.
      const update = await putPackListing(db, listing, 'import', signedBy);
      if (typeof update === 'object') refuse(update.refuse, MANIFEST_FILE);
      for (const file of listing.manifest.files) await putVerifiedFile(db, file, prepared.get(file.sha256));
      return update as 'new' | 'same' | 'replace';
    });
  } catch (error) {
    if (error instanceof ImportRefused) throw error;
    if (quotaAware(error) === 'quota_exceeded') refuse('quota_exceeded');
    return refuse('storage_failed', undefined, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}

export async function importPackFolder(db: AppDb, files: FolderFile[], options: ImportOptions): Promise<ImportResult> {
  const guard: ReadGuard = { signal: options.signal, timeoutMs: options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS, timer: options.timer ?? realTimer };
  try {
    const manifest = await readManifest(files, guard);
    const listing = parsePackFolder(
      manifest.bytes,
      files.filter((f) => f !== manifest.file),
    );
    const signedBy = await checkSignature(listing, options.trust);
    const early = decidePackUpdate(await db.packs.get(listing.manifest.id), { manifest: listing.manifest, signedBy });
    if (typeof early === 'object') refuse(early.refuse, MANIFEST_FILE);

    const byPath = new Map(files.map((f) => [f.path, f]));
    const total = listing.manifest.files.reduce((sum, f) => sum + f.size, 0);
    let done = 0;
    const prepared = new Map<string, VerifiedFile>();
    for (const file of listing.manifest.files) {
      const source = byPath.get(file.path) ?? refuse('file_missing', file.path);
      const parts = await verifyFileBytes(
        file,
        (start, end) => guardedRead(source, start, end, guard),
        (n) => options.onProgress?.((done += n), total),
      );
      const ready = await prepare(db, file, parts);
      if (ready) prepared.set(file.sha256, ready);
    }
    if (guard.signal?.aborted) refuse('cancelled');
    const update = await store(db, listing, signedBy, prepared);
    return { ok: true, packId: listing.manifest.id, title: listing.manifest.title, files: listing.manifest.files.length, update };
  } catch (error) {
    if (error instanceof ImportRefused) return { ok: false, refusal: error.refusal };
    // Not a case we named (a bug): still a refusal with its reason on screen, never an exception out of the panel.
    return { ok: false, refusal: { code: 'unexpected', detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } };
  }
}
