// The hub's own log: an unexpected failure (a 500) is written with its error, at level error, to the log the hub was
// given; a refusal it names (4xx) is not an error of the hub's. Before, the hub ran without a logger and a 500's cause
// went nowhere.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse } from '../../src/shared/protocol.ts';
import type { SqlDb } from '../core/db/sql-db.ts';
import { openTestStore } from '../testing/test-store.ts';
import { createHub } from './create-hub.ts';

const ADMIN = 'admin-secret-for-tests-0123456789';
let dir: string;
let db: SqlDb;
let app: FastifyInstance;
let base: string;
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-log-'));
  db = await openTestStore(dir);
  app = await createHub({
    db,
    hubName: '测试中心',
    adminToken: ADMIN,
    logger: { level: 'warn', write: (line) => lines.push(line) },
    extensions: [
      ({ table }) =>
        table.group('admin', (admin) => {
          admin.get('/v1/admin/__broken', async () => {
            throw new Error('disk on fire');
          });
        }),
    ],
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the hub’s log', () => {
  it('has the cause of a 500, at level error; the client gets only `internal`', async () => {
    const res = await fetch(`${base}/v1/admin/__broken`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(500);
    expect(ErrorResponse.parse(await res.json()).error).toEqual({ code: 'internal', message: 'internal error' });
    const logged = lines.map((l) => JSON.parse(l) as { level: number; err?: { message?: string } });
    expect(logged.filter((l) => l.level === 50).map((l) => l.err?.message)).toEqual(['disk on fire']);
  });

  it('writes nothing for a refusal it names, nor for a request that went well (level warn)', async () => {
    const before = lines.length;
    expect((await fetch(`${base}/v1/admin/classrooms`)).status).toBe(401);
    expect((await fetch(`${base}/v1/health`)).status).toBe(200);
    expect(lines.length).toBe(before);
  });
});
