// A real hub for tests: temp SQLite file (or a fresh PostgreSQL database in the pg project, test-store.ts) with demo data, listening on a random loopback port, with a settable clock and
// the test-only routes (test-routes.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { EnrollResponse } from '../../src/shared/protocol.ts';
import { seedDemo } from '../features/demo/seed-demo.ts';
import { createHub, type CreateHubOptions } from '../county/create-hub.ts';
import { registerTestRoutes } from './test-routes.ts';
import { openTestStore } from './test-store.ts';

export const TEST_ADMIN_TOKEN = 'admin-secret-for-tests-0123456789';

export async function startTestHub(start = new Date('2026-11-25T02:00:00Z'), options: Pick<CreateHubOptions, 'limits' | 'live' | 'tls' | 'syncSocket' | 'onRoute' | 'reportRefresher'> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hub-test-'));
  const db = await openTestStore(dir);
  let clock = start;
  await seedDemo(db, clock);
  const app = await createHub({ db, hubName: '测试中心', adminToken: TEST_ADMIN_TOKEN, now: () => clock, updatesDir: join(dir, 'updates'), extensions: [registerTestRoutes], ...options });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });

  async function call(path: string, init: RequestInit & { token?: string; json?: unknown } = {}) {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (init.json !== undefined) headers.set('content-type', 'application/json');
    const res = await fetch(`${base}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : (init.body ?? null) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // HTML pages stay text
    }
    return { status: res.status, body };
  }

  return {
    base,
    db,
    /** The hub's temp folder (`updates/` is its update feed). */
    dataDir: dir,
    call,
    admin: (path: string, init: RequestInit & { json?: unknown } = {}) => call(path, { ...init, token: TEST_ADMIN_TOKEN }),
    async enroll(code: string) {
      const res = await call('/v1/enroll', { method: 'POST', json: { code, deviceName: '教室电脑' } });
      expect(res.status).toBe(201);
      return EnrollResponse.parse(res.body);
    },
    setNow(date: Date) {
      clock = date;
    },
    async close() {
      await app.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestHub = Awaited<ReturnType<typeof startTestHub>>;
