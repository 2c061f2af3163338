// Answers go compressed to clients that ask (a village link shared by a whole school): the pull and the pack list in
// gzip or brotli, read back to exactly what an uncompressed answer says; content blobs never (already compressed media,
// served by byte Range: a compressed body would not match the range), nor small answers, nor a client that did not ask.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentPaths, PacksResponse, type PackManifest } from '../../src/shared/content-protocol.ts';
import { EnrollResponse, HubPaths, PullResponse } from '../../src/shared/protocol.ts';
import type { SqlDb } from '../core/db/sql-db.ts';
import { ephemeralPackSigner } from '../core/signing/pack-signing.ts';
import { seedDemo } from '../features/demo/seed-demo.ts';
import { ingestFolder } from '../features/content/ingest.ts';
import { openTestStore } from '../testing/test-store.ts';
import { createHub } from './create-hub.ts';

const now = new Date('2026-11-25T02:00:00Z');
let dir: string;
let db: SqlDb;
let app: FastifyInstance;
let token: string;
let pack: PackManifest;
const page = 'x'.repeat(300_000); // very compressible: gzip would shrink it to almost nothing if it were applied

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-compress-'));
  db = await openTestStore(dir);
  await seedDemo(db, now);
  const folder = join(dir, 'src', '预习');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, '讲义.txt'), page);
  writeFileSync(join(folder, 'lesson.bin'), randomBytes(2000));
  for (let i = 1; i <= 12; i++) writeFileSync(join(folder, `练习${i}.txt`), `第${i}题`); // a list well over the 1 KiB threshold
  const packSigner = ephemeralPackSigner();
  pack = await ingestFolder(db, folder, { contentDir: join(dir, 'content'), signer: packSigner, now, lessonIds: ['les-j7-0-0'], packId: 'pack-compress' });
  app = await createHub({ db, hubName: '测试中心', adminToken: 'admin-secret-for-tests-0123456789', now: () => now, contentDir: join(dir, 'content'), packSigner });
  const enrolled = await app.inject({ method: 'POST', url: HubPaths.enroll, payload: { code: 'DEMO-ZJ-1', deviceName: 'pc' } });
  token = EnrollResponse.parse(enrolled.json()).device.token;
});
afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } });
const pullUrl = `${HubPaths.pull}?cursor=0`;

describe('response compression', () => {
  it('sends the pull in gzip or brotli when asked, a fraction of the bytes, and it reads back to the same page', async () => {
    const plain = await get(pullUrl);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const expected = PullResponse.parse(plain.json());
    expect(expected.changes.length).toBeGreaterThan(50);
    for (const [encoding, inflate] of [['gzip', gunzipSync], ['br', brotliDecompressSync]] as const) {
      const packed = await get(pullUrl, { 'accept-encoding': encoding });
      expect(packed.statusCode).toBe(200);
      expect(packed.headers['content-encoding']).toBe(encoding);
      expect(String(packed.headers.vary)).toContain('accept-encoding');
      expect(packed.rawPayload.length).toBeLessThan(plain.rawPayload.length / 5);
      expect(PullResponse.parse(JSON.parse(inflate(packed.rawPayload).toString('utf8')))).toEqual(expected);
    }
  });

  it('sends the pack list compressed too', async () => {
    const packed = await get(ContentPaths.packs, { 'accept-encoding': 'gzip' });
    expect(packed.headers['content-encoding']).toBe('gzip');
    const listed = PacksResponse.parse(JSON.parse(gunzipSync(packed.rawPayload).toString('utf8')));
    expect(listed.packs.map((p) => p.manifest.id)).toContain('pack-compress');
  });

  it('never compresses a content blob, whole or by Range: the bytes are the file\'s', async () => {
    const file = pack.files.find((f) => f.path === '讲义.txt') ?? expect.fail('no 讲义.txt');
    const whole = await get(ContentPaths.blob(file.sha256), { 'accept-encoding': 'gzip, br' });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-encoding']).toBeUndefined();
    expect(whole.rawPayload.toString('utf8')).toBe(page);
    const part = await get(ContentPaths.blob(file.sha256), { 'accept-encoding': 'gzip, br', range: 'bytes=1000-1999' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-encoding']).toBeUndefined();
    expect(part.headers['content-range']).toBe(`bytes 1000-1999/${page.length}`);
    expect(part.rawPayload.length).toBe(1000);
  });

  it('answers every Accept-Encoding a client may send (odd, refusing, unknown, huge) with a page it can read', async () => {
    const expected = PullResponse.parse((await get(pullUrl)).json()).changes.length;
    const odd = ['*', 'gzip;q=0', 'identity;q=0', 'br;q=abc, gzip', 'zstd', 'deflate', 'compress, x-gzip', 'gzip;q=0, br;q=0, *;q=0', ',,,', 'b'.repeat(4000)];
    for (const value of odd) {
      const answer = await get(pullUrl, { 'accept-encoding': value });
      expect(answer.statusCode, value).toBe(200);
      const encoding = answer.headers['content-encoding'];
      expect([undefined, 'gzip', 'br'], value).toContain(encoding);
      const body = encoding === 'gzip' ? gunzipSync(answer.rawPayload) : encoding === 'br' ? brotliDecompressSync(answer.rawPayload) : answer.rawPayload;
      expect(PullResponse.parse(JSON.parse(body.toString('utf8'))).changes.length, value).toBe(expected);
    }
  });

  it('leaves small answers and clients that did not ask as they are', async () => {
    const refused = await app.inject({ method: 'GET', url: pullUrl, headers: { authorization: 'Bearer nope', 'accept-encoding': 'gzip' } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const identity = await get(pullUrl, { 'accept-encoding': 'identity' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(PullResponse.parse(identity.json()).changes.length).toBeGreaterThan(50);
  });
});
