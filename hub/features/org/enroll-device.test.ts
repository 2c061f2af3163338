// The repository answers a refused code with an outcome (code + message), not an HTTP status and not an exception;
// the route turns it into the wire answer (hub/core/http/error-status.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { createEdgeCode, enrollEdge } from '../edge/county/county-edge-repo.ts';
import { openTestStore } from '../../testing/test-store.ts';
import { enrollDevice } from './enroll-device.ts';
import { createEnrollmentCode } from './org-repo.ts';

const NOW = new Date('2026-11-25T02:00:00Z');
let dir: string;
let db: SqlDb;
const devices = async () => (await db.get<{ n: number }>(`SELECT count(*) AS n FROM devices`))?.n;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-enroll-'));
  db = await openTestStore(dir);
  await seedDemo(db, NOW);
  await createEnrollmentCode(db, { code: 'ONCE-1', classroomId: 'cls-zj-7-1', expiresAt: new Date(NOW.getTime() + 60_000), maxUses: 1, now: NOW });
  await createEnrollmentCode(db, { code: 'OLD-1', classroomId: 'cls-zj-7-1', expiresAt: new Date(NOW.getTime() - 1), maxUses: null, now: NOW });
});

afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('enrollDevice outcomes', () => {
  it('refuses unknown, expired and used codes by name, writing nothing', async () => {
    const before = await devices();
    expect(await enrollDevice(db, { code: 'NO-SUCH', deviceName: 'pc', now: NOW })).toEqual({ ok: false, code: 'enrollment_code_invalid', message: 'unknown enrollment code' });
    expect(await enrollDevice(db, { code: 'OLD-1', deviceName: 'pc', now: NOW })).toMatchObject({ ok: false, code: 'enrollment_code_expired' });
    const first = await enrollDevice(db, { code: 'ONCE-1', deviceName: 'pc', now: NOW });
    expect(first.ok && first.value.classroom.id).toBe('cls-zj-7-1');
    expect(await enrollDevice(db, { code: 'ONCE-1', deviceName: 'pc 2', now: NOW })).toMatchObject({ ok: false, code: 'enrollment_code_used' });
    expect(await devices()).toBe((before ?? 0) + 1);
  });
});

describe('edge codes', () => {
  it('refuses an unknown school and a used edge code as outcomes', async () => {
    expect(await createEdgeCode(db, 'no-such-school', new Date(NOW.getTime() + 60_000), NOW)).toEqual({ ok: false, code: 'not_found', message: 'school' });
    const code = await createEdgeCode(db, 'sch-zj', new Date(NOW.getTime() + 60_000), NOW);
    if (!code.ok) throw new Error(code.message);
    expect((await enrollEdge(db, { code: code.value, edgeName: 'edge', now: NOW })).ok).toBe(true);
    expect(await enrollEdge(db, { code: code.value, edgeName: 'edge 2', now: NOW })).toMatchObject({ ok: false, code: 'enrollment_code_used' });
  });
});
