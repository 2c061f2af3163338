// The throughput probe over real HTTP with a real SQLite hub: device-authorised, exact sizes, bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrollResponse } from '../../../src/shared/protocol.ts';
import { openDatabase } from '../../core/db/open-database.ts';
import type { SqliteDb } from '../../core/db/sqlite-db.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { createHub } from '../../county/create-hub.ts';

let dir: string;
let db: SqliteDb;
let app: FastifyInstance;
let base: string;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-probe-'));
  db = openDatabase(join(dir, 'hub.sqlite'));
  await seedDemo(db, new Date());
  app = await createHub({ db, hubName: '测试中心', adminToken: 'admin-secret-for-tests-0123456789' });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const res = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-1', deviceName: 'probe' }) });
  token = EnrollResponse.parse(await res.json()).device.token;
});
afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function probe(query: string, auth = true) {
  const res = await fetch(`${base}/v1/net/probe${query}`, { headers: auth ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), cache: res.headers.get('cache-control') };
}

describe('GET /v1/net/probe', () => {
  it('answers exactly the requested number of bytes, uncached', async () => {
    for (const n of [1, 1000, 1_000_000]) {
      const res = await probe(`?bytes=${n}`);
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(n);
      expect(res.cache).toBe('no-store');
    }
  });

  it.each([['?bytes=0'], ['?bytes=-5'], ['?bytes=abc'], [''], [`?bytes=${9 * 1024 * 1024}`]])('refuses %s with 400', async (query) => {
    expect((await probe(query)).status).toBe(400);
  });

  it('requires a device token', async () => {
    expect((await probe('?bytes=10', false)).status).toBe(401);
  });
});
