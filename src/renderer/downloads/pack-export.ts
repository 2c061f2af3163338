// Export a cached pack to a folder (USB stick, LAN share) as manifest.json + its files, the format pack-import.ts reads,
// so a school with a good link can carry packs to one without. Writes through the File System Access API's directory
// handle (Chromium's showDirectoryPicker); the handle is a parameter so tests pass an in-memory one.
import { MANIFEST_FILE, type PackListing } from '../../shared/content-protocol.ts';
import type { AppDb } from '../db/app-db.ts';
import { storedFileBlob } from '../db/content-repo.ts';

export type WritableLike = { write(data: Blob | string): Promise<void>; close(): Promise<void> };
export type DirectoryLike = {
  getDirectoryHandle(name: string, options: { create: boolean }): Promise<DirectoryLike>;
  getFileHandle(name: string, options: { create: boolean }): Promise<{ createWritable(): Promise<WritableLike> }>;
};

async function writeFile(root: DirectoryLike, path: string, data: Blob | string) {
  const parts = path.split('/');
  let dir = root;
  for (const segment of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(segment, { create: true });
  const writable = await (await dir.getFileHandle(parts.at(-1) ?? path, { create: true })).createWritable();
  await writable.write(data);
  await writable.close();
}

export type ExportRefusalCode = 'not_stored' | 'unsigned' | 'not_complete';
/** Why a pack cannot be exported, by name (shown in zh-CN by the pack header). */
export class ExportRefused extends Error {
  readonly code: ExportRefusalCode;
  constructor(code: ExportRefusalCode, message: string) {
    super(message);
    this.name = 'ExportRefused';
    this.code = code;
  }
}

/**
 * Writes the pack into `target/<pack id>/`. Refuses a pack not completely cached, and one stored before packs were
 * signed: no other PC would accept it, so it is better not to write it at all.
 */
export async function exportPack(db: AppDb, packId: string, target: DirectoryLike): Promise<number> {
  const pack = await db.packs.get(packId);
  if (!pack) throw new ExportRefused('not_stored', `pack ${packId} is not on this PC`);
  if (!pack.signature) throw new ExportRefused('unsigned', `pack ${packId} has no hub signature`);
  for (const file of pack.manifest.files) {
    if ((await db.contentFiles.get(file.sha256))?.state !== 'complete') throw new ExportRefused('not_complete', `${file.path} is not completely downloaded yet`);
  }
  const lessonIds = (await db.lessonPacks.where('packId').equals(packId).toArray()).map((l) => l.lessonId);
  const folder = await target.getDirectoryHandle(packId, { create: true });
  for (const file of pack.manifest.files) {
    const blob = await storedFileBlob(db, file.sha256);
    if (!blob) throw new ExportRefused('not_complete', `${file.path} is not completely downloaded yet`);
    await writeFile(folder, file.path, blob);
  }
  // The hub's signature travels with the pack: the PC that imports it checks it against its own hub's key.
  const listing: PackListing = { manifest: pack.manifest, lessonIds, ...(pack.signature ? { signature: pack.signature } : {}) };
  await writeFile(folder, MANIFEST_FILE, JSON.stringify(listing, null, 2));
  return pack.manifest.files.length;
}
