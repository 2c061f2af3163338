// Export → import round trip through an in-memory folder: what one PC exports, another imports complete and verified.
import 'fake-indexeddb/auto';
import { sha256 } from 'hash-wasm';
import { afterEach, describe, expect, it } from 'vitest';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { storedFileBlob } from '../db/content-repo.ts';
import { exportPack, type DirectoryLike } from './pack-export.ts';
import { importPackFolder, type FolderFile } from './pack-import.ts';

function memoryFolder(files: Map<string, Blob>, prefix = ''): DirectoryLike {
  return {
    getDirectoryHandle: (name) => Promise.resolve(memoryFolder(files, `${prefix}${name}/`)),
    getFileHandle: (name) =>
      Promise.resolve({
        createWritable: () => {
          const parts: (Blob | string)[] = [];
          return Promise.resolve({
            write: (d: Blob | string) => Promise.resolve(void parts.push(d)),
            close: () => Promise.resolve(void files.set(`${prefix}${name}`, new Blob(parts))),
          });
        },
      }),
  };
}

const dbs: AppDb[] = [];
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});
const fresh = () => {
  const db = openAppDb(`export-test-${crypto.randomUUID()}`);
  dbs.push(db);
  return db;
};

describe('pack export', () => {
  it('writes manifest.json and the files, which another PC imports complete', async () => {
    const bytes = new Uint8Array(20_000).map((_, i) => i % 200);
    const sha = await sha256(bytes);
    const chunks = [await sha256(bytes.subarray(0, 16_384)), await sha256(bytes.subarray(16_384))];
    const listing = { manifest: { protocol: 1 as const, id: 'pack-x', kind: 'recording' as const, title: '录像', createdAt: '2026-11-25T00:00:00Z', files: [{ path: 'v/a.mp4', size: 20_000, mime: 'video/mp4', sha256: sha, chunkSize: 16_384, chunks }] }, lessonIds: ['l1'] };
    const source = fresh();
    const files = new Map<string, Blob>();
    const manifestOnly = new Map<string, Blob>([['manifest.json', new Blob([JSON.stringify(listing)])], ['v/a.mp4', new Blob([bytes])]]);
    const toFolder = (m: Map<string, Blob>, strip = ''): FolderFile[] =>
      [...m].map(([path, blob]) => ({ path: path.slice(strip.length), size: blob.size, read: async (s, e) => new Uint8Array(await blob.slice(s, e).arrayBuffer()) }));
    expect((await importPackFolder(source, toFolder(manifestOnly))).ok).toBe(true);

    expect(await exportPack(source, 'pack-x', memoryFolder(files))).toBe(1);
    expect([...files.keys()].sort()).toEqual(['pack-x/manifest.json', 'pack-x/v/a.mp4']);

    const target = fresh();
    expect(await importPackFolder(target, toFolder(files, 'pack-x/'))).toMatchObject({ ok: true, packId: 'pack-x' });
    const blob = await storedFileBlob(target, sha);
    expect(await sha256(new Uint8Array(await (blob ?? new Blob()).arrayBuffer()))).toBe(sha);
  });

  it('refuses to export a pack that is not completely cached', async () => {
    await expect(exportPack(fresh(), 'nope', memoryFolder(new Map()))).rejects.toThrow(/not on this PC/);
  });
});
