// Import a pack folder (USB stick, LAN share): check the structure, verify every byte, and only then store it all in
// one transaction. A refused import leaves IndexedDB exactly as it was.
import { MANIFEST_FILE } from '../../shared/content-protocol.ts';
import type { AppDb } from '../db/app-db.ts';
import { savePackListings } from '../db/content-repo.ts';
import { checkPackFolder, verifyFileBytes } from './import-validation.ts';

export type FolderFile = { path: string; size: number; read(start: number, end: number): Promise<Uint8Array> };
export type ImportResult = { ok: true; packId: string; title: string; files: number } | { ok: false; reason: string };

export async function importPackFolder(db: AppDb, files: FolderFile[]): Promise<ImportResult> {
  const manifestFile = files.find((f) => f.path === MANIFEST_FILE);
  const manifestText = manifestFile ? new TextDecoder().decode(await manifestFile.read(0, Math.min(manifestFile.size, 8 * 1024 * 1024))) : undefined;
  const check = checkPackFolder(
    manifestText,
    files.filter((f) => f !== manifestFile),
  );
  if (!check.ok) return check;
  const byPath = new Map(files.map((f) => [f.path, f]));
  const verified = new Map<string, Blob[]>();
  for (const file of check.listing.manifest.files) {
    const source = byPath.get(file.path);
    if (!source) return { ok: false, reason: `${file.path} is missing` };
    const result = await verifyFileBytes(file, (start, end) => source.read(start, end));
    if (typeof result === 'string') return { ok: false, reason: result };
    verified.set(file.sha256, result);
  }
  await db.transaction('rw', [db.packs, db.lessonPacks, db.contentFiles, db.contentChunks], async () => {
    await savePackListings(db, [check.listing], 'import');
    for (const file of check.listing.manifest.files) {
      const parts = verified.get(file.sha256) ?? [];
      await db.contentChunks.bulkPut(parts.map((data, index) => ({ sha256: file.sha256, index, data })));
      await db.contentFiles.update(file.sha256, { state: 'complete', doneBytes: file.size });
    }
  });
  const { manifest } = check.listing;
  return { ok: true, packId: manifest.id, title: manifest.title, files: manifest.files.length };
}

/** Files from an `<input type="file" webkitdirectory>`: paths relative to the chosen folder. */
export function folderFilesOf(list: FileList | File[]): FolderFile[] {
  return [...list].map((file) => {
    const relative = (file.webkitRelativePath || file.name).split('/').slice(1).join('/') || file.name;
    return { path: relative, size: file.size, read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()) };
  });
}
