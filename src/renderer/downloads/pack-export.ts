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

/** Writes the pack into `target/<pack id>/`. Throws if a file of the pack is not completely cached. */
export async function exportPack(db: AppDb, packId: string, target: DirectoryLike): Promise<number> {
  const pack = await db.packs.get(packId);
  if (!pack) throw new Error(`pack ${packId} is not on this PC`);
  const lessonIds = (await db.lessonPacks.where('packId').equals(packId).toArray()).map((l) => l.lessonId);
  const folder = await target.getDirectoryHandle(packId, { create: true });
  for (const file of pack.manifest.files) {
    const blob = await storedFileBlob(db, file.sha256);
    if (!blob) throw new Error(`${file.path} is not completely downloaded yet`);
    await writeFile(folder, file.path, blob);
  }
  // The hub's signature travels with the pack: the PC that imports it checks it against its own hub's key.
  const listing: PackListing = { manifest: pack.manifest, lessonIds, ...(pack.signature ? { signature: pack.signature } : {}) };
  await writeFile(folder, MANIFEST_FILE, JSON.stringify(listing, null, 2));
  return pack.manifest.files.length;
}
