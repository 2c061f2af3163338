// Hub API over real HTTP with a real SQLite file: enrollment, scoped pull, revocation, validation and error shapes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrollResponse, ErrorResponse, PROTOCOL_HEADER, PullResponse, type Change } from '../../src/shared/protocol.ts';
import type { SqlDb } from '../core/db/sql-db.ts';
import { openTestStore } from '../testing/test-store.ts';
import { seedDemo } from '../features/demo/seed-demo.ts';
import { createHub } from './create-hub.ts';

const ADMIN = 'admin-secret-for-tests-0123456789';
let dir: string;
let db: SqlDb;
let app: FastifyInstance;
let base: string;
let clock = new Date('2026-11-25T02:00:00Z');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-api-'));
  db = await openTestStore(dir);
  await seedDemo(db, clock);
  app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, now: () => clock });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(path: string, init: RequestInit & { token?: string; json?: unknown } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(`${base}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body ?? null });
  return { status: res.status, body: (await res.json()) as unknown };
}
const errorCode = (body: unknown) => ErrorResponse.parse(body).error.code;
const admin = (path: string, init: RequestInit & { json?: unknown } = {}) => call(path, { ...init, token: ADMIN });

async function enroll(code: string) {
  const res = await call('/v1/enroll', { method: 'POST', json: { code, deviceName: '教室电脑' } });
  expect(res.status).toBe(201);
  return EnrollResponse.parse(res.body);
}

async function pullAll(token: string) {
  const changes: Change[] = [];
  let cursor = 0;
  for (let page = 0; page < 20; page++) {
    const res = await call(`/v1/sync/pull?cursor=${cursor}&limit=100`, { token });
    expect(res.status).toBe(200);
    const body = PullResponse.parse(res.body);
    changes.push(...body.changes);
    cursor = body.cursor;
    if (!body.hasMore) break;
  }
  return { changes, cursor };
}

describe('enrollment', () => {
  it('binds a device to the code’s classroom with its own token (demo codes are reusable)', async () => {
    const a = await enroll('demo-zj-1');
    const b = await enroll('DEMO-ZJ-1');
    expect(a.classroom.name).toBe('七年级(1)班');
    expect(a.school).toMatchObject({ name: '凉山州昭觉县民族中学', kind: 'receiving' });
    expect(a.hubName).toBe('测试中心');
    expect(a.device.token).not.toBe(b.device.token);
    expect(await db.get(`SELECT token_hash FROM devices WHERE id = ?`, [a.device.id])).not.toMatchObject({ token_hash: a.device.token });
  });

  it.each([
    ['an unknown code', { code: 'NOPE-1234', deviceName: 'pc' }, 404, 'enrollment_code_invalid'],
    ['a missing device name', { code: 'DEMO-ZJ-1' }, 400, 'bad_request'],
    ['a code of wrong type', { code: 42, deviceName: 'pc' }, 400, 'bad_request'],
  ])('refuses %s with a named reason', async (_name, json, status, code) => {
    const res = await call('/v1/enroll', { method: 'POST', json });
    expect(res.status).toBe(status);
    expect(errorCode(res.body)).toBe(code);
  });

  it('refuses body that is not JSON, and an oversized body, in the error shape', async () => {
    const bad = await call('/v1/enroll', { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(errorCode(bad.body)).toBe('bad_request');
    const big = await call('/v1/enroll', { method: 'POST', json: { code: 'x'.repeat(5 * 1024 * 1024), deviceName: 'pc' } });
    expect(big.status).toBe(413);
    expect(errorCode(big.body)).toBe('payload_too_large');
  });

  it('issues single-use codes that expire', async () => {
    const { body } = await admin('/v1/admin/enrollment-codes', { method: 'POST', json: { classroomId: 'cls-lt-5-1', ttlMinutes: 5 } });
    const { code } = body as { code: string };
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const first = await enroll(code);
    expect(first.classroom.id).toBe('cls-lt-5-1');
    const again = await call('/v1/enroll', { method: 'POST', json: { code, deviceName: 'pc2' } });
    expect(errorCode(again.body)).toBe('enrollment_code_used');

    const second = (await admin('/v1/admin/enrollment-codes', { method: 'POST', json: { classroomId: 'cls-lt-5-1', ttlMinutes: 5 } })).body as { code: string };
    clock = new Date(clock.getTime() + 6 * 60_000);
    const late = await call('/v1/enroll', { method: 'POST', json: { code: second.code, deviceName: 'pc3' } });
    expect(late.status).toBe(410);
    expect(errorCode(late.body)).toBe('enrollment_code_expired');
  });
});

describe('pull', () => {
  it('gives a device its own classroom’s roster and timetable only, paged by cursor', async () => {
    const device = await enroll('DEMO-ZJ-2');
    const { changes, cursor } = await pullAll(device.device.token);
    const students = changes.flatMap((c) => (c.type === 'student.put' ? [c.student] : []));
    const lessons = changes.flatMap((c) => (c.type === 'lesson.put' ? [c.lesson] : []));
    expect(students).toHaveLength(40);
    expect(new Set(students.map((s) => s.classroomId))).toEqual(new Set(['cls-zj-7-2']));
    expect(lessons.length).toBeGreaterThan(20);
    expect(new Set(lessons.map((l) => l.classroomId))).toEqual(new Set(['cls-zj-7-2']));
    expect(new Set(lessons.map((l) => l.mode))).toEqual(new Set(['live', 'recorded']));
    expect(lessons[0]?.leadSchoolName).toBe('成都七中（引领学校）');

    const nothingNew = PullResponse.parse((await call(`/v1/sync/pull?cursor=${cursor}`, { token: device.device.token })).body);
    expect(nothingNew).toMatchObject({ changes: [], hasMore: false, cursor });
  });

  it('delivers a timetable edit to the audience and a delete to a classroom that lost the lesson', async () => {
    const one = await enroll('DEMO-ZJ-1');
    const two = await enroll('DEMO-ZJ-2');
    const c1 = (await pullAll(one.device.token)).cursor;
    const c2 = (await pullAll(two.device.token)).cursor;
    const put = await admin('/v1/admin/lessons/les-extra', {
      method: 'PUT',
      json: { courseId: 'crs-math-7', title: '复习课', startsAt: '2026-11-26T16:20:00+08:00', endsAt: '2026-11-26T17:05:00+08:00', mode: 'live', classroomIds: ['cls-zj-7-1', 'cls-zj-7-2'] },
    });
    expect(put.status).toBe(200);
    await admin('/v1/admin/lessons/les-extra', {
      method: 'PUT',
      json: { courseId: 'crs-math-7', title: '复习课', startsAt: '2026-11-26T16:20:00+08:00', endsAt: '2026-11-26T17:05:00+08:00', mode: 'live', classroomIds: ['cls-zj-7-1'] },
    });
    const seenBy1 = PullResponse.parse((await call(`/v1/sync/pull?cursor=${c1}`, { token: one.device.token })).body).changes;
    const seenBy2 = PullResponse.parse((await call(`/v1/sync/pull?cursor=${c2}`, { token: two.device.token })).body).changes;
    expect(seenBy1.map((c) => c.type)).toEqual(['lesson.put', 'lesson.put']);
    expect(seenBy2.map((c) => c.type)).toEqual(['lesson.put', 'lesson.delete']);
  });

  it.each([
    ['no token', undefined, 401, 'unauthorized'],
    ['an unknown token', 'ykt_0123456789abcdefghijklmnopqrstuvwxyz', 401, 'unauthorized'],
  ])('refuses %s', async (_n, token, status, code) => {
    const res = await call('/v1/sync/pull?cursor=0', token ? { token } : {});
    expect(res.status).toBe(status);
    expect(errorCode(res.body)).toBe(code);
  });

  it('refuses a bad cursor and an old client by name', async () => {
    const device = await enroll('DEMO-ZJ-1');
    expect(errorCode((await call('/v1/sync/pull?cursor=-3', { token: device.device.token })).body)).toBe('bad_request');
    const old = await call('/v1/sync/pull?cursor=0', { token: device.device.token, headers: { [PROTOCOL_HEADER]: '0' } });
    expect(old.status).toBe(426);
    expect(errorCode(old.body)).toBe('client_too_old');
  });

  it('tells a revoked device it was revoked', async () => {
    const device = await enroll('DEMO-ZJ-1');
    expect((await admin(`/v1/admin/devices/${device.device.id}/revoke`, { method: 'POST' })).status).toBe(200);
    const res = await call('/v1/sync/pull?cursor=0', { token: device.device.token });
    expect(res.status).toBe(401);
    expect(errorCode(res.body)).toBe('device_revoked');
  });
});

describe('admin and CORS', () => {
  it('refuses to delete a lesson that has classroom records, by name, and keeps it', async () => {
    const lessons = () => db.get(`SELECT count(*) AS n FROM lessons`);
    const before = await lessons();
    const res = await admin('/v1/admin/lessons/les-j7-0-0', { method: 'DELETE' }); // the demo quiz belongs to it
    expect([res.status, errorCode(res.body)]).toEqual([400, 'bad_request']);
    expect(await lessons()).toEqual(before);
  });

  it('requires the admin token', async () => {
    const res = await call('/v1/admin/classrooms', { token: 'not-the-admin-token-000' });
    expect(errorCode(res.body)).toBe('unauthorized');
    const ok = await admin('/v1/admin/classrooms');
    expect((ok.body as { classrooms: unknown[] }).classrooms).toHaveLength(3);
  });

  it('lets the renderer (another origin) send its protocol and auth headers', async () => {
    const res = await fetch(`${base}/v1/sync/pull`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5000', 'access-control-request-method': 'GET', 'access-control-request-headers': `authorization,${PROTOCOL_HEADER}` },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5000');
    expect(res.headers.get('access-control-allow-headers')).toContain(PROTOCOL_HEADER);
  });

  it('allows credentialed requests from any origin, the file:// renderer (origin "null") included', async () => {
    for (const origin of ['http://127.0.0.1:5000', 'null']) {
      const res = await fetch(`${base}/v1/health`, { headers: { origin } });
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('vary')).toContain('Origin');
    }
  });

  it('answers unknown routes in the error shape', async () => {
    const res = await call('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(errorCode(res.body)).toBe('not_found');
  });
});
