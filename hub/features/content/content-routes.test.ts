// Content API over real HTTP with a real SQLite file and a real store on disk: classroom-scoped pack listing, Range
// (206, sequential chunks reassemble the file, 416), strong ETag / 304, immutable caching, auth, CORS, the counter.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentPaths, PackManifest, PacksResponse } from '../../../src/shared/content-protocol.ts';
import { ContentStats, registerTestRoutes, TestPaths } from '../../testing/test-routes.ts';
import { EnrollResponse, ErrorResponse } from '../../../src/shared/protocol.ts';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { openTestStore } from '../../testing/test-store.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { createHub } from '../../county/create-hub.ts';
import { BLOB_ACCESS_PATH } from './content-routes.ts';
import { ingestFolder } from './ingest.ts';
import { ephemeralPackSigner } from '../../core/signing/pack-signing.ts';

const ADMIN = 'admin-secret-for-tests-0123456789';
const now = new Date('2026-11-25T02:00:00Z');
let dir: string;
let db: SqlDb;
let app: FastifyInstance;
let base: string;
let pack: PackManifest;
const video = randomBytes(700_000); // 3 chunks of 256 KiB, the last one short
let zjToken: string;
let ltToken: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-content-'));
  db = await openTestStore(dir);
  await seedDemo(db, now);
  const folder = join(dir, 'src', '分数预习');
  mkdirSync(join(folder, '练习'), { recursive: true });
  writeFileSync(join(folder, 'lesson.bin'), video);
  writeFileSync(join(folder, '练习', '题目.txt'), '1/2 + 1/3 = ?');
  const packSigner = ephemeralPackSigner();
  pack = await ingestFolder(db, folder, { contentDir: join(dir, 'content'), signer: packSigner, now, lessonIds: ['les-j7-0-0'], packId: 'pack-t' });
  app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, now: () => now, contentDir: join(dir, 'content'), packSigner, extensions: [registerTestRoutes] });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const enroll = async (code: string) => {
    const res = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'pc' }) });
    return EnrollResponse.parse(await res.json()).device.token;
  };
  zjToken = await enroll('DEMO-ZJ-2');
  ltToken = await enroll('DEMO-LT-1');
});
afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const get = (path: string, token: string | undefined, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
const videoFile = () => pack.files.find((f) => f.path === 'lesson.bin') ?? expect.fail('no lesson.bin');

describe('ingest', () => {
  it('writes a manifest with safe relative paths, MIME types, whole-file and per-chunk hashes', () => {
    expect(pack.files.map((f) => [f.path, f.mime])).toEqual([
      ['lesson.bin', 'application/octet-stream'],
      ['练习/题目.txt', 'text/plain'],
    ]);
    const f = videoFile();
    expect(f.sha256).toBe(sha(video));
    expect(f.chunks).toEqual([0, 1, 2].map((i) => sha(video.subarray(i * f.chunkSize, (i + 1) * f.chunkSize))));
  });

  it('never writes a manifest that contradicts itself: the same bytes twice get one chunking', async () => {
    const twice = join(dir, 'twice');
    mkdirSync(twice);
    const bytes = randomBytes(40_000);
    writeFileSync(join(twice, 'a.bin'), bytes);
    writeFileSync(join(twice, 'b.bin'), bytes);
    const made = await ingestFolder(db, twice, { contentDir: join(dir, 'content'), signer: ephemeralPackSigner(), now, chunkSize: 16_384, packId: 'pack-twice' });
    const [a, b] = made.files;
    expect(a && b && { ...a, path: b.path }).toEqual(b);
    expect(PackManifest.safeParse(made).success).toBe(true);
  });
});

describe('pack listing', () => {
  it('gives a device the packs of its classroom’s lessons only', async () => {
    const mine = PacksResponse.parse(await (await get(ContentPaths.packs, zjToken)).json());
    expect(mine.packs.map((p) => [p.manifest.id, p.lessonIds])).toEqual([['pack-t', ['les-j7-0-0']]]);
    const theirs = PacksResponse.parse(await (await get(ContentPaths.packs, ltToken)).json());
    expect(theirs.packs).toEqual([]);
    expect((await get(ContentPaths.packs, undefined)).status).toBe(401);
  });
});

describe('file serving', () => {
  it('serves the whole file with a strong ETag, immutable caching and Accept-Ranges', async () => {
    const res = await get(ContentPaths.blob(videoFile().sha256), zjToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${videoFile().sha256}"`);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(sha(new Uint8Array(await res.arrayBuffer()))).toBe(videoFile().sha256);
  });

  it('answers sequential Range requests with 206 whose parts reassemble the file', async () => {
    const f = videoFile();
    const parts: Uint8Array[] = [];
    for (let start = 0; start < f.size; start += f.chunkSize) {
      const end = Math.min(start + f.chunkSize, f.size) - 1;
      const res = await get(ContentPaths.blob(f.sha256), zjToken, { range: `bytes=${start}-${end}` });
      expect(res.status).toBe(206);
      expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${f.size}`);
      parts.push(new Uint8Array(await res.arrayBuffer()));
    }
    expect(parts.map((p) => sha(p))).toEqual(f.chunks);
    expect(sha(Buffer.concat(parts))).toBe(f.sha256);
  });

  it('refuses a range past the end with 416 and the size', async () => {
    const res = await get(ContentPaths.blob(videoFile().sha256), zjToken, { range: 'bytes=900000-' });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${video.length}`);
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const res = await get(ContentPaths.blob(videoFile().sha256), zjToken, { 'if-none-match': `"${videoFile().sha256}"` });
    expect(res.status).toBe(304);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it.each([
    ['no token', undefined, 401, 'unauthorized'],
    ['another classroom’s device', 'lt', 404, 'not_found'],
  ])('refuses %s', async (_name, who, status, code) => {
    const res = await get(ContentPaths.blob(videoFile().sha256), who === 'lt' ? ltToken : undefined);
    expect(res.status).toBe(status);
    expect(ErrorResponse.parse(await res.json()).error.code).toBe(code);
  });

  it('refuses an unknown hash with 404 and a malformed one with 400', async () => {
    expect((await get(ContentPaths.blob('0'.repeat(64)), zjToken)).status).toBe(404);
    expect((await get(ContentPaths.blob('..%2F..%2Fhub.sqlite'), zjToken)).status).toBe(400);
  });

  it('answers an HTTP cache’s access check (nginx auth_request): 204 for the classroom, named 403/401 otherwise, no bytes', async () => {
    const access = (hash: string, token: string | undefined) => get(BLOB_ACCESS_PATH.replace(':sha256', hash), token);
    const before = ContentStats.parse(await (await get(TestPaths.contentStats, ADMIN)).json());
    const yes = await access(videoFile().sha256, zjToken);
    expect(yes.status).toBe(204);
    expect((await yes.arrayBuffer()).byteLength).toBe(0);
    for (const [hash, token, status, code] of [
      [videoFile().sha256, ltToken, 403, 'forbidden'], // another classroom's device
      ['0'.repeat(64), zjToken, 403, 'forbidden'], // not there: the same answer as not yours
      [videoFile().sha256, undefined, 401, 'unauthorized'],
      ['not-a-hash', zjToken, 400, 'bad_request'],
    ] as const) {
      const res = await access(hash, token);
      expect(res.status).toBe(status);
      expect(ErrorResponse.parse(await res.json()).error.code).toBe(code);
    }
    // An access check serves no content: the blob counters did not move.
    expect(ContentStats.parse(await (await get(TestPaths.contentStats, ADMIN)).json())).toEqual(before);
  });

  it('lets a browser on another origin send Range and read Content-Range (CORS)', async () => {
    const pre = await fetch(`${base}${ContentPaths.blob(videoFile().sha256)}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,range' },
    });
    expect(pre.headers.get('access-control-allow-headers')).toContain('range');
    const res = await get(ContentPaths.blob(videoFile().sha256), zjToken, { origin: 'http://127.0.0.1:5173', range: 'bytes=0-9' });
    expect(res.headers.get('access-control-expose-headers')).toContain('content-range');
  });

  it('counts range requests for the admin only', async () => {
    expect((await get(TestPaths.contentStats, zjToken)).status).toBe(401);
    const stats = ContentStats.parse(await (await get(TestPaths.contentStats, ADMIN)).json());
    expect(stats.rangeRequests).toBeGreaterThanOrEqual(4);
    expect(stats.bytesSent).toBeGreaterThanOrEqual(video.length * 2);
  });
});
