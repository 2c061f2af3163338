// The hub's pack list before anything is stored: only packs signed by the key this PC holds are taken; a forged or
// unsigned pack is left out with a named problem and changes nothing; a PC enrolled before packs were signed learns the
// key once; a hub whose key changed is not trusted silently.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedPacks } from '../../shared/content-protocol.ts';
import { contentFile, contentSnapshot, manifestOf, patterned, signed, testSigner } from '../../../tests/support/pack-kit.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { storeHubPackList, type PackKeyStore } from './hub-pack-gate.ts';

const hub = testSigner();
const a = contentFile('a.pdf', patterned(20_000, 1));
const b = contentFile('b.pdf', patterned(20_000, 2));
const listA = signed(hub, manifestOf('pack-a', [a]));
const listB = signed(hub, manifestOf('pack-b', [b]));
const response = (packs: ReceivedPacks['packs'], signingKey: string | null = hub.key): ReceivedPacks => ({ protocol: 1, packs, ...(signingKey ? { signingKey } : {}) });

let db: AppDb;
beforeEach(() => {
  db = openAppDb(`gate-test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});
function keyStore(initial: string | undefined): PackKeyStore & { learnt: string[] } {
  let key = initial;
  const learnt: string[] = [];
  return { learnt, get: () => key, learn: (k) => Promise.resolve(void learnt.push((key = k))) };
}

describe('storeHubPackList', () => {
  it('stores every pack signed by the enrolled hub, queued, with its signature', async () => {
    expect(await storeHubPackList(db, response([listA, listB]), keyStore(hub.key))).toBeNull();
    expect((await db.packs.toArray()).map((p) => [p.id, p.signedBy === hub.key, p.signature === (p.id === 'pack-a' ? listA : listB).signature])).toEqual([
      ['pack-a', true, true],
      ['pack-b', true, true],
    ]);
    expect(await db.contentFiles.get(a.sha256)).toMatchObject({ state: 'queued' });
  });

  it.each([
    ['a manifest changed on the way', () => ({ ...listB, manifest: { ...listB.manifest, title: '伪造' } }), 'signature_invalid'],
    ['a pack signed by another hub', () => signed(testSigner(), manifestOf('pack-b', [b])), 'signature_invalid'],
    ['an unsigned pack', () => ({ manifest: listB.manifest, lessonIds: listB.lessonIds }), 'signature_missing'],
    ['a signed manifest listing the same bytes twice, cut two ways', () => signed(hub, manifestOf('pack-b', [b, contentFile('b-again.pdf', patterned(20_000, 2), 32_768)])), 'chunking_conflict'],
    ['a pack that is not a pack', () => ({ manifest: { id: 'pack-b' }, lessonIds: [] }), 'manifest_invalid'],
  ])('leaves out %s, names it, and stores the others', async (_what, bad, problem) => {
    await storeHubPackList(db, response([listA]), keyStore(hub.key));
    const before = await contentSnapshot(db);
    expect(await storeHubPackList(db, response([bad()]), keyStore(hub.key))).toBe(problem);
    expect(await contentSnapshot(db)).toBe(before);
    expect(await storeHubPackList(db, response([bad(), listA]), keyStore(hub.key))).toBe(problem);
    expect(await db.packs.get('pack-b')).toBeUndefined();
  });

  it('learns the key once when the PC was enrolled before packs were signed, then verifies with it', async () => {
    const keys = keyStore(undefined);
    expect(await storeHubPackList(db, response([listA]), keys)).toBeNull();
    expect(keys.learnt).toEqual([hub.key]);
    expect(await storeHubPackList(db, response([signed(testSigner(), manifestOf('pack-b', [b]))], testSigner().key), keys)).toBe('hub_key_changed');
    expect(keys.learnt).toEqual([hub.key]);
    expect(await db.packs.get('pack-b')).toBeUndefined();
  });

  it('stores nothing when neither the PC nor the list has a key', async () => {
    expect(await storeHubPackList(db, response([listA], null), keyStore(undefined))).toBe('hub_key_unknown');
    expect(await db.packs.count()).toBe(0);
  });

  it('keeps a newer version of a pack brought by USB when the hub still lists the older one', async () => {
    const v2 = signed(hub, manifestOf('pack-a', [a, b], '2026-12-01T00:00:00.000Z'));
    await storeHubPackList(db, response([v2]), keyStore(hub.key));
    const before = await contentSnapshot(db);
    expect(await storeHubPackList(db, response([listA]), keyStore(hub.key))).toBe('pack_not_newer');
    expect(await contentSnapshot(db)).toBe(before);
  });

  it('refreshes lessons and adopts the signature of a pack stored before signing, without touching its files', async () => {
    await db.packs.put({ id: 'pack-a', manifest: listA.manifest, pinned: true, lastUsedAt: 5, source: 'hub' });
    await db.contentFiles.put({ sha256: a.sha256, size: a.size, mime: a.mime, chunkSize: a.chunkSize, chunks: a.chunks, state: 'complete', doneBytes: a.size });
    const files = await db.contentFiles.toArray();
    expect(await storeHubPackList(db, response([{ ...listA, lessonIds: ['les-9'] }]), keyStore(hub.key))).toBeNull();
    expect(await db.packs.get('pack-a')).toMatchObject({ pinned: true, lastUsedAt: 5, signature: listA.signature, signedBy: hub.key });
    expect((await db.lessonPacks.toArray()).map((l) => l.lessonId)).toEqual(['les-9']);
    expect(await db.contentFiles.toArray()).toEqual(files);
  });
});
