// Signed packs on the hub side, over real HTTP with real SQLite: the key is made once into the data directory and kept;
// every ingested manifest is signed; enrollment and the pack list carry the public key; a pack stored before signing
// (migration 7 left it NULL) or signed by another key is signed at start; a manifest that fails today's name rules is
// left out of the list instead of breaking it; a new version of a pack is always dated after the stored one.
import { createPublicKey, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentPaths, PacksResponse, packSignedText, type PackListing } from '../../src/shared/content-protocol.ts';
import { EnrollResponse } from '../../src/shared/protocol.ts';
import { openDatabase, type HubDatabase } from '../core/db/open-database.ts';
import { seedDemo } from '../features/demo/seed-demo.ts';
import { createHub } from './create-hub.ts';
import { ingestFolder } from '../features/content/ingest.ts';
import { ephemeralPackSigner, loadOrCreatePackSigner, PACK_KEY_FILE, type PackSigner } from '../core/signing/pack-signing.ts';

const now = new Date('2026-11-25T02:00:00Z');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'hub-sign-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function hubWithPack(signer: PackSigner) {
  const dir = tempDir();
  const db = openDatabase(join(dir, 'hub.sqlite'));
  cleanups.push(() => void db.close());
  await seedDemo(db, now);
  const folder = join(dir, 'src');
  mkdirSync(folder);
  writeFileSync(join(folder, '讲义.txt'), '分数的加法');
  await ingestFolder(db, folder, { contentDir: join(dir, 'content'), signer, now, lessonIds: ['les-j7-0-0'], packId: 'pack-s' });
  return { db, dir };
}

async function serve(db: HubDatabase, signer: PackSigner) {
  const app: FastifyInstance = await createHub({ db, hubName: '测试中心', adminToken: 'admin-secret-for-tests-0123456789', now: () => now, packSigner: signer });
  cleanups.push(() => app.close());
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const enrolled = EnrollResponse.parse(
    await (await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-2', deviceName: 'pc' }) })).json(),
  );
  const list = async () => PacksResponse.parse(await (await fetch(`${base}${ContentPaths.packs}`, { headers: { authorization: `Bearer ${enrolled.device.token}` } })).json());
  return { enrolled, list };
}

/** Verified as a classroom would: against the key it got at enrollment, never the hub's own object. */
function verifiesWith(key: string, listing: PackListing) {
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key }, format: 'jwk' });
  return verify(null, Buffer.from(packSignedText(listing.manifest)), publicKey, Buffer.from(listing.signature ?? '', 'base64url'));
}

describe('the pack-signing key', () => {
  it('is made once into the data directory, private to the hub, and read back the next time', () => {
    const dir = tempDir();
    const first = loadOrCreatePackSigner(dir);
    expect(first.created).toBe(true);
    expect(statSync(join(dir, PACK_KEY_FILE)).mode & 0o777).toBe(0o600);
    const again = loadOrCreatePackSigner(dir);
    expect(again).toMatchObject({ created: false, signer: { publicKey: first.signer.publicKey } });
  });

  it('refuses a key file that is not an Ed25519 private key, naming the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, PACK_KEY_FILE), 'not a key');
    expect(() => loadOrCreatePackSigner(dir)).toThrow(PACK_KEY_FILE);
  });
});

describe('signed packs from the hub', () => {
  it('gives the key at enrollment and with the pack list, and every listed pack verifies against it', async () => {
    const signer = ephemeralPackSigner();
    const { db } = await hubWithPack(signer);
    const { enrolled, list } = await serve(db, signer);
    expect(enrolled.packSigningKey).toBe(signer.publicKey);
    const response = await list();
    expect(response.signingKey).toBe(signer.publicKey);
    expect(response.packs.map((p) => p.manifest.id)).toEqual(['pack-s']);
    const [listing] = response.packs;
    expect(listing && verifiesWith(enrolled.packSigningKey ?? '', listing)).toBe(true);
    const forged = { ...listing, manifest: { ...listing?.manifest, title: '伪造' } } as PackListing;
    expect(verifiesWith(enrolled.packSigningKey ?? '', forged)).toBe(false);
  });

  it('signs at start a pack stored before signing, and one signed by a key no longer in use', async () => {
    const oldKey = ephemeralPackSigner();
    const { db } = await hubWithPack(oldKey);
    db.raw.prepare(`INSERT INTO packs (id, kind, title, manifest, created_at) SELECT 'pack-legacy', kind, title, replace(manifest, '"pack-s"', '"pack-legacy"'), created_at FROM packs`).run();
    db.raw.prepare(`INSERT INTO lesson_packs VALUES ('les-j7-0-0', 'pack-legacy')`).run();
    expect(db.raw.prepare(`SELECT signature FROM packs WHERE id = 'pack-legacy'`).get()).toEqual({ signature: null });
    const newKey = ephemeralPackSigner();
    const { enrolled, list } = await serve(db, newKey);
    const packs = (await list()).packs;
    expect(packs.map((p) => p.manifest.id)).toEqual(['pack-legacy', 'pack-s']);
    expect(packs.every((p) => verifiesWith(enrolled.packSigningKey ?? '', p))).toBe(true);
  });

  it('leaves out a stored manifest that fails today’s name rules or is damaged, and lists (and starts with) the others', async () => {
    const signer = ephemeralPackSigner();
    const { db } = await hubWithPack(signer);
    db.raw.prepare(`INSERT INTO packs (id, kind, title, manifest, created_at) SELECT 'pack-old-name', kind, title, replace(replace(manifest, '"pack-s"', '"pack-old-name"'), '讲义.txt', 'NUL.txt'), created_at FROM packs`).run();
    db.raw.prepare(`INSERT INTO packs (id, kind, title, manifest, created_at) VALUES ('pack-damaged', 'preview', 'x', '{"manifest": ', 'now')`).run();
    db.raw.prepare(`INSERT INTO lesson_packs VALUES ('les-j7-0-0', 'pack-old-name'), ('les-j7-0-0', 'pack-damaged')`).run();
    const { list } = await serve(db, signer);
    expect((await list()).packs.map((p) => p.manifest.id)).toEqual(['pack-s']);
    expect(db.raw.prepare(`SELECT id, signature FROM packs WHERE id IN ('pack-old-name', 'pack-damaged') ORDER BY id`).all()).toEqual([
      { id: 'pack-damaged', signature: null },
      { id: 'pack-old-name', signature: null },
    ]);
  });

  it('dates a new version of a pack after the stored one, even when the clock went back', async () => {
    const signer = ephemeralPackSigner();
    const { db, dir } = await hubWithPack(signer);
    writeFileSync(join(dir, 'src', '讲义.txt'), '分数的加法（修订）');
    const earlier = new Date(now.getTime() - 3_600_000);
    const v2 = await ingestFolder(db, join(dir, 'src'), { contentDir: join(dir, 'content'), signer, now: earlier, packId: 'pack-s' });
    expect(Date.parse(v2.createdAt)).toBe(now.getTime() + 1);
  });

  it.each([
    ['a reserved device name', 'NUL.txt', /unsafe file name \(reserved_device_name\)/],
    ['a trailing dot', 'a.txt.', /unsafe file name \(trailing_dot_or_space\)/],
    ['a right-to-left override', 'lesson\u202Etxt.exe', /unsafe file name \(bidi_control\)/],
  ])('refuses to ingest a folder with %s, storing nothing', async (_what, name, message) => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'hub.sqlite'));
    cleanups.push(() => void db.close());
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', name), 'x');
    await expect(ingestFolder(db, join(dir, 'src'), { contentDir: join(dir, 'content'), signer: ephemeralPackSigner(), now })).rejects.toThrow(message);
    expect(db.raw.prepare(`SELECT count(*) AS n FROM packs`).get()).toEqual({ n: 0 });
  });

  it('refuses to ingest two names that are one on Windows (NFC/NFD)', async () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'hub.sqlite'));
    cleanups.push(() => void db.close());
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'caf\u00E9.txt'), 'a');
    writeFileSync(join(dir, 'src', 'cafe\u0301.txt'), 'b');
    await expect(ingestFolder(db, join(dir, 'src'), { contentDir: join(dir, 'content'), signer: ephemeralPackSigner(), now })).rejects.toThrow(/one name on Windows/);
    expect(db.raw.prepare(`SELECT count(*) AS n FROM packs`).get()).toEqual({ n: 0 });
  });
});
