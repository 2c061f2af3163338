// Export → import round trip through an in-memory folder: what one PC exports, another PC enrolled with the same hub
// imports complete and verified, because the hub's signature travels in manifest.json; a PC of another hub refuses it.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { PackListing } from '../../shared/content-protocol.ts';
import { contentFile, manifestOf, patterned, sha, signed, storedBytes, testSigner } from '../../../tests/support/pack-kit.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { savePackListings } from '../db/content-repo.ts';
import { exportPack, type DirectoryLike } from './pack-export.ts';
import type { FolderFile } from './folder-read.ts';
import { importPackFolder } from './pack-import.ts';

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
const toFolder = (m: Map<string, Blob>, strip = ''): FolderFile[] =>
  [...m].map(([path, blob]) => ({ path: path.slice(strip.length), size: blob.size, read: async (s, e) => new Uint8Array(await blob.slice(s, e).arrayBuffer()) }));

describe('pack export', () => {
  const hub = testSigner();
  const bytes = patterned(20_000, 3);
  const file = contentFile('v/a.mp4', bytes);
  const listing = signed(hub, { ...manifestOf('pack-x', [file]), kind: 'recording', title: '录像' }, ['l1']);

  async function exportedByAnotherPc() {
    const source = fresh();
    const original = new Map<string, Blob>([['manifest.json', new Blob([JSON.stringify(listing)])], ['v/a.mp4', new Blob([bytes])]]);
    expect((await importPackFolder(source, toFolder(original), { trust: { enrolled: true, hubKey: hub.key } })).ok).toBe(true);
    const files = new Map<string, Blob>();
    expect(await exportPack(source, 'pack-x', memoryFolder(files))).toBe(1);
    return files;
  }

  it('writes manifest.json with the hub’s signature and the files, which a PC of the same hub imports complete', async () => {
    const files = await exportedByAnotherPc();
    expect([...files.keys()].sort()).toEqual(['pack-x/manifest.json', 'pack-x/v/a.mp4']);
    const written = PackListing.parse(JSON.parse(await (files.get('pack-x/manifest.json') ?? new Blob()).text()));
    expect(written.signature).toBe(listing.signature);

    const target = fresh();
    expect(await importPackFolder(target, toFolder(files, 'pack-x/'), { trust: { enrolled: true, hubKey: hub.key } })).toMatchObject({ ok: true, packId: 'pack-x' });
    expect(sha(await storedBytes(target, file.sha256))).toBe(file.sha256);
  });

  it('carries the signature of a pack that came from the hub’s list', async () => {
    const source = fresh();
    await savePackListings(source, [listing], 'hub', hub.key);
    await source.contentChunks.bulkPut([0, 1].map((index) => ({ sha256: file.sha256, index, data: new Blob([bytes.slice(index * 16_384, (index + 1) * 16_384)]) })));
    await source.contentFiles.update(file.sha256, { state: 'complete', doneBytes: bytes.length });
    const files = new Map<string, Blob>();
    await exportPack(source, 'pack-x', memoryFolder(files));
    expect(PackListing.parse(JSON.parse(await (files.get('pack-x/manifest.json') ?? new Blob()).text())).signature).toBe(listing.signature);
  });

  it('is refused by a PC enrolled with another hub, which stores nothing', async () => {
    const files = await exportedByAnotherPc();
    const target = fresh();
    const result = await importPackFolder(target, toFolder(files, 'pack-x/'), { trust: { enrolled: true, hubKey: testSigner().key } });
    expect(result).toMatchObject({ ok: false, refusal: { code: 'signature_invalid' } });
    expect(await target.packs.count()).toBe(0);
    expect(await target.contentChunks.count()).toBe(0);
  });

  it.each([
    ['not on this PC', () => Promise.resolve(fresh()), 'not_stored'],
    [
      'stored before packs were signed',
      async () => {
        const db = fresh();
        await savePackListings(db, [{ manifest: listing.manifest, lessonIds: [] }], 'import');
        return db;
      },
      'unsigned',
    ],
    [
      'not completely downloaded',
      async () => {
        const db = fresh();
        await savePackListings(db, [listing], 'hub', hub.key);
        return db;
      },
      'not_complete',
    ],
  ])('refuses to export a pack %s, by name, writing nothing', async (_what, make, code) => {
    const written = new Map<string, Blob>();
    await expect(exportPack(await make(), 'pack-x', memoryFolder(written))).rejects.toMatchObject({ name: 'ExportRefused', code });
    expect(written.size).toBe(0);
  });
});
