// Authorisation by construction, tried as an outsider would: every admin and device route, taken from the hub's own
// route table, spelled every way a URL can be spelled (percent-encoded, double-encoded, absolute form, trailing slash,
// other letter case, dot segments) and asked with every method (HEAD and OPTIONS included), without the right
// credential. Each answer must be a refusal or a 404 in the error shape — never the route's content — and nothing in
// the database may change. With the credential, the same routes answer, so the sweep would see a bypass.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from '../../tests/support/raw-http.ts';
import { ErrorResponse, type EnrollResponse } from '../../src/shared/protocol.ts';
import type { SqlDb } from '../core/db/sql-db.ts';
import { openTestStore } from '../testing/test-store.ts';
import { seedDemo } from '../features/demo/seed-demo.ts';
import { createEdgeCode, enrollEdge } from '../features/edge/county/county-edge-repo.ts';
import { valueOrThrow } from '../core/http/hub-error.ts';
import { registerTestRoutes } from '../testing/test-routes.ts';
import type { HubRoute } from '../core/http/access-groups.ts';
import { createHub } from './create-hub.ts';

const ADMIN = 'admin-secret-for-tests-0123456789';
const CLUSTER = 'cluster-secret-for-tests-0123456789abcdef';
const NO_LIMIT = { maxFailures: 1e9, windowMs: 1 }; // this sweep is about authorisation; limits have their own tests
let dir: string;
let db: SqlDb;
let app: FastifyInstance;
let port: number;
let deviceToken: string;
let edgeToken: string;
const routes: HubRoute[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-access-'));
  db = await openTestStore(dir);
  await seedDemo(db, new Date('2026-11-25T02:00:00Z'));
  app = await createHub({
    db,
    hubName: '测试中心',
    adminToken: ADMIN,
    clusterSecret: CLUSTER,
    extensions: [registerTestRoutes],
    onRoute: (route) => routes.push(route),
    limits: { enrollPerAddress: NO_LIMIT, deviceAuthPerAddress: NO_LIMIT, consoleLoginPerAddress: NO_LIMIT, clusterAuthPerAddress: NO_LIMIT },
  });
  port = Number(new URL(await app.listen({ host: '127.0.0.1', port: 0 })).port);
  const enrolled = await fetch(`http://127.0.0.1:${port}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-1', deviceName: 'pc' }) });
  deviceToken = ((await enrolled.json()) as EnrollResponse).device.token;
  const now = new Date();
  edgeToken = valueOrThrow(await enrollEdge(db, { code: valueOrThrow(await createEdgeCode(db, 'sch-zj', new Date(now.getTime() + 60_000), now)), edgeName: 'edge', now })).token;
});
afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A concrete path for a route pattern: parameters filled with values that pass validation. */
const concrete = (url: string) => url.replace(/:sha256/g, '0'.repeat(64)).replace(/:[A-Za-z]+/g, 'x1');
const pct = (c: string) => `%${c.charCodeAt(0).toString(16)}`;
const PCT = (c: string) => pct(c).toUpperCase();

/** Spellings of one path that a router might take for it and a string check would not. */
function spellings(path: string): { name: string; target: string; reachesRoute: boolean }[] {
  const segments = path.split('/');
  const encodeFirst = (encode: (c: string) => string) => segments.map((s) => (s ? encode(s[0] ?? '') + s.slice(1) : s)).join('/');
  return [
    { name: 'first letters percent-encoded', target: encodeFirst(pct), reachesRoute: true },
    { name: 'upper-case percent-escapes', target: encodeFirst(PCT), reachesRoute: true },
    { name: 'every letter percent-encoded', target: path.replace(/[a-z]/g, pct), reachesRoute: true },
    { name: 'double-encoded', target: encodeFirst((c) => `%25${pct(c).slice(1)}`), reachesRoute: false },
    { name: 'absolute form', target: `http://127.0.0.1:${port}${path}`, reachesRoute: true },
    { name: 'absolute form, other host', target: `http://hub.example${path}`, reachesRoute: true },
    { name: 'absolute form, upper-case scheme', target: `HTTP://hub.example${path}`, reachesRoute: true },
    { name: 'with a query and fragment', target: `${path}?x=1#y`, reachesRoute: true },
    { name: 'trailing slash', target: `${path}/`, reachesRoute: false },
    { name: 'upper case', target: path.toUpperCase(), reachesRoute: false },
    { name: 'leading double slash', target: `/${path}`, reachesRoute: false },
    { name: 'dot segment', target: path.replace('/v1/', '/v1/./'), reachesRoute: false },
    { name: 'dot-dot segment', target: path.replace('/v1/', '/v1/x/../'), reachesRoute: false },
    { name: 'encoded slash', target: path.replace(/\/([^/]*)$/, '%2F$1'), reachesRoute: false },
    { name: 'matrix parameter', target: `${path};a=b`, reachesRoute: false },
  ];
}

async function ask(method: string, target: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: hub', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? '{}' : '';
  if (body) lines.push('Content-Type: application/json', `Content-Length: ${body.length}`);
  return rawRequest({ port, send: `${lines.join('\r\n')}\r\n\r\n${body}`, head: method === 'HEAD' });
}

/** A refusal, a 404, or (OPTIONS only) an empty CORS preflight answer — never content, never a 5xx. */
function expectNotServed(res: RawResponse, what: string) {
  if (res.status === 204) {
    expect(what.startsWith('OPTIONS'), `${what}: 204`).toBe(true);
    expect(res.body.length, what).toBe(0);
    return;
  }
  expect([400, 401, 404, 429], `${what}: HTTP ${res.status} ${res.body.toString().slice(0, 200)}`).toContain(res.status);
  if (!what.startsWith('HEAD')) expect(() => ErrorResponse.parse(JSON.parse(res.body.toString())), `${what}: error shape`).not.toThrow();
}

const snapshot = () =>
  Promise.all(['enrollment_codes', 'devices', 'lessons', 'lesson_audience', 'changes', 'edges', 'edge_codes'].map((table) => db.all(`SELECT * FROM ${table} ORDER BY 1, 2`)));

describe('route table', () => {
  it('puts every route in an access group, and the admin API in the admin groups', () => {
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes.filter((r) => r.url.startsWith('/v1/admin/'))) expect(route.access, route.url).toBe('admin');
    expect(routes.filter((r) => r.access === 'admin-page').map((r) => `${r.method} ${r.url}`).sort()).toEqual(['GET /report', 'HEAD /report']);
    expect(routes.find((r) => r.url === '/v1/sync/push')?.access).toBe('device');
    for (const route of routes.filter((r) => r.url.startsWith('/v1/cluster/'))) expect(route.access, route.url).toBe('cluster');
  });

  it('refuses to start a hub with a route outside every group', async () => {
    const stray = await createHub({ db, hubName: 'x', adminToken: ADMIN, extensions: [async ({ app: root }) => void root.get('/v1/admin/backdoor', async () => 'open')] });
    await expect(stray.ready()).rejects.toThrow(/outside an access group: GET \/v1\/admin\/backdoor/);
  });
});

describe.each(['admin', 'admin-page', 'device', 'edge', 'cluster'] as const)('%s routes without their credential', (access) => {
  const ownToken = () => (access === 'device' ? deviceToken : access === 'edge' ? edgeToken : access === 'cluster' ? CLUSTER : ADMIN);
  const wrongCredentials = (): [string, Record<string, string>][] => [
    ['no credential', {}],
    ['a wrong token', { authorization: `Bearer ${'w'.repeat(40)}` }],
    [access === 'device' ? 'the admin token' : 'a device token', { authorization: `Bearer ${access === 'device' ? ADMIN : deviceToken}` }],
    ['a lower-case scheme', { authorization: `bearer ${ownToken()}` }],
  ];

  it('refuses every spelling, every method, and changes nothing', async () => {
    const mine = routes.filter((r) => r.access === access && r.method !== 'HEAD');
    expect(mine.length).toBeGreaterThan(0);
    const before = await snapshot();
    let reachedGuard = 0;
    for (const route of mine) {
      const path = concrete(route.url);
      for (const method of [route.method, 'HEAD', 'OPTIONS', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
        for (const [name, headers] of wrongCredentials()) expectNotServed(await ask(method, path, headers), `${method} ${path} (${name})`);
      }
      // A credential in the query opens only the report page.
      if (access !== 'admin-page') expectNotServed(await ask(route.method, `${path}?key=${ADMIN}`), `${route.method} ${path}?key=`);
      for (const { name, target, reachesRoute } of spellings(path)) {
        for (const method of [route.method, 'HEAD', 'OPTIONS']) {
          const res = await ask(method, target);
          expectNotServed(res, `${method} ${target} (${name})`);
          if (reachesRoute && method === route.method) {
            expect(res.status, `${method} ${target} (${name}) routes to the guarded route`).toBe(401);
            reachedGuard++;
          }
        }
      }
    }
    expect(reachedGuard).toBeGreaterThan(mine.length * 5);
    expect(await snapshot()).toEqual(before);
  });

  it('answers the same routes with the credential (so the sweep above would see a bypass)', async () => {
    const token = ownToken();
    for (const route of routes.filter((r) => r.access === access && r.method === 'GET')) {
      const res = await ask('GET', concrete(route.url), { authorization: `Bearer ${token}` });
      // Past the guard (which answers 401): a handler's answer, 403 included (the blob access check's "not yours").
      expect([200, 204, 400, 403, 404], `${route.url}: ${res.status}`).toContain(res.status);
      if (res.status === 404) expect(ErrorResponse.parse(JSON.parse(res.body.toString())).error.message).not.toMatch(/^GET /); // the handler's 404, not the router's
    }
    expect((await ask('GET', `/report?key=${ADMIN}`)).status).toBe(200);
  });
});
