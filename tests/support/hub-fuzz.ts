// The hub fuzz, shared by `npm test` (hub/county/hub-fuzz.test.ts) and `npm run bench` (bench/hub-fuzz.bench.ts). The
// route list comes from the hub's own route table (createHub's onRoute), so a new route cannot be forgotten; the hub
// runs as a real child process (`npm run hub` + test routes, demo data), so a crash is an exit, not a caught throw.
// Every group of hostile requests (hub-fuzz-requests.ts) goes at every route; after each group the process must still
// be running and answer /v1/health normally. Every answer is judged: a guarded route never serves a request without
// its credential (authBypass), every error is `{error:{code,message}}` (badShape), no 5xx, and a well-framed request
// always gets an answer.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { HubRoute } from '../../hub/core/http/access-groups.ts';
import { openDatabase } from '../../hub/core/db/open-database.ts';
import { createHub } from '../../hub/county/create-hub.ts';
import { registerTestRoutes } from '../../hub/testing/test-routes.ts';
import { EnrollResponse, ErrorResponse, HealthResponse } from '../../src/shared/protocol.ts';
import { fuzzCases, FUZZ_GROUPS, isRefusal, methodOf, type FuzzCase, type StaffCredential } from './hub-fuzz-requests.ts';
import { startHubProcess, type HubProcess } from './hub-process.ts';
import { freePort } from './ports.ts';
import { rawRequest, type RawResponse } from './raw-http.ts';

export type HubFuzzReport = {
  routes: number;
  requests: number;
  crashes: number;
  authBypass: number;
  badShape: number;
  serverErrors: number;
  unanswered: number;
  unhealthy: number;
  maxRssMB: number;
  /** The first problems found, for the test's failure message. */
  problems: string[];
};

const ADMIN = 'fuzz-admin-token-0123456789abcdef';
// Callers with and without credentials come from different addresses, so failed-attempt limits on the second never
// hide the handlers from the first.
const WITH_CREDENTIAL = '127.0.0.2';
const WITHOUT_CREDENTIAL = '127.0.0.3';

/** The hub's route table, as createHub builds it for `npm run hub` plus the test routes the child process has. */
export async function hubRouteTable(): Promise<HubRoute[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hub-routes-'));
  const db = openDatabase(join(dir, 'hub.sqlite'));
  const routes: HubRoute[] = [];
  const app = await createHub({ db, hubName: 'routes', adminToken: ADMIN, extensions: [registerTestRoutes], onRoute: (r) => routes.push(r) });
  await app.ready();
  await app.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
  return routes;
}

async function staffSession(url: string): Promise<StaffCredential> {
  const login = await fetch(`${url}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-county', password: 'county-demo-2026' }) });
  const cookie = /^(ykt_staff=[^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (!login.ok || !cookie) throw new Error(`hub fuzz: demo staff sign-in failed (${login.status})`);
  return { cookie, csrf: ((await login.json()) as { csrfToken: string }).csrfToken };
}

async function peakRssMB(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function pool<T>(items: T[], parallel: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
}

/** The body as the client reads it: answers may be compressed for a client that accepts it (create-server.ts). */
function decodedBody(res: RawResponse): Buffer {
  const encoding = res.headers['content-encoding'];
  return encoding === 'gzip' ? gunzipSync(res.body) : encoding === 'br' ? brotliDecompressSync(res.body) : res.body;
}

/** The rules every answer is judged by (hub and school edge alike); `problem` counts what breaks one. */
export function judgeFuzzAnswer(route: HubRoute, fuzz: FuzzCase, res: RawResponse, problem: (kind: 'unanswered' | 'authBypass' | 'serverErrors' | 'badShape', detail: string) => void) {
  const method = methodOf(fuzz.request);
  const what = `${route.method} ${route.url} ← ${fuzz.name} → ${res.status || (res.timedOut ? 'no answer' : 'closed')}`;
  if (res.status === 0) {
    if (fuzz.complete) problem('unanswered', what);
    return;
  }
  // Every credential route (guarded groups, and public ones that take a credential in the body: enroll) must refuse.
  if (!fuzz.credentialed && !fuzz.liveUpgrade && route.credential && !isRefusal(res.status, method, res.body)) problem('authBypass', what);
  if (res.status >= 500) problem('serverErrors', `${what} ${res.body.toString().slice(0, 200)}`);
  if (res.status >= 400 && !fuzz.head && !fuzz.liveUpgrade) {
    let parsed = false;
    try {
      parsed = ErrorResponse.safeParse(JSON.parse(decodedBody(res).toString())).success;
    } catch {
      parsed = false;
    }
    if (!parsed) problem('badShape', `${what} ${res.body.toString().slice(0, 120)}`);
  }
}

export async function runHubFuzz({ log = () => {} }: { log?: (line: string) => void } = {}): Promise<HubFuzzReport> {
  const routes = await hubRouteTable();
  const report: HubFuzzReport = { routes: routes.length, requests: 0, crashes: 0, authBypass: 0, badShape: 0, serverErrors: 0, unanswered: 0, unhealthy: 0, maxRssMB: 0, problems: [] };
  const problem = (kind: keyof HubFuzzReport, detail: string) => {
    (report[kind] as number)++;
    if (report.problems.length < 20) report.problems.push(`${kind}: ${detail}`);
  };

  const dataDir = await mkdtemp(join(tmpdir(), 'hub-fuzz-'));
  const port = await freePort();
  const rtcPort = await freePort();
  let hub: HubProcess | null = null;
  try {
    hub = await startHubProcess({ port, dataDir, adminToken: ADMIN, extraEnv: { HUB_RTC_PORT: String(rtcPort), HUB_RTC_LISTEN_IP: '127.0.0.1', HUB_RTC_ANNOUNCED_IP: '127.0.0.1' } });
    const enrolled = await fetch(`${hub.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-1', deviceName: '模糊测试' }) });
    // The demo county admin (HUB_DEMO=1): its sessions reach every staff route's handler.
    const creds = { admin: ADMIN, device: EnrollResponse.parse(await enrolled.json()).device.token, port, staff: await staffSession(hub.url), staffLogout: await staffSession(hub.url) };
    // Peak memory from here on: what the requests cost, not making the demo content at start (Linux: "5" resets VmHWM).
    await writeFile(`/proc/${hub.pid() ?? 0}/clear_refs`, '5').catch(() => undefined);

    const judge = (route: HubRoute, fuzz: FuzzCase, res: RawResponse) => judgeFuzzAnswer(route, fuzz, res, problem);

    const checkAlive = async (after: string) => {
      const running = hub;
      if (!running) return;
      const exited = running.exited();
      if (exited !== null) {
        problem('crashes', `after ${after}: ${exited}\n${running.output().slice(-2000)}`);
        await running.start(); // keep fuzzing the remaining groups
        return;
      }
      const health = await fetch(`${running.url}/v1/health`).then(
        async (r) => r.ok && HealthResponse.safeParse(await r.json()).success,
        () => false,
      );
      if (!health) problem('unhealthy', `after ${after}`);
      report.maxRssMB = Math.max(report.maxRssMB, await peakRssMB(running.pid()));
    };

    for (const group of FUZZ_GROUPS) {
      const cases = routes.flatMap((route) => fuzzCases(group, route, creds).map((fuzz) => ({ route, fuzz })));
      await pool(cases, 4, async ({ route, fuzz }) => {
        const res = await rawRequest({ port, localAddress: fuzz.credentialed ? WITH_CREDENTIAL : WITHOUT_CREDENTIAL, send: fuzz.request, head: fuzz.head ?? false, timeoutMs: fuzz.complete ? 8000 : 1000 });
        report.requests++;
        judge(route, fuzz, res);
      });
      await checkAlive(group);
      log(`hub fuzz: ${group}: ${cases.length} requests; so far ${JSON.stringify({ ...report, problems: report.problems.length })}`);
    }
  } finally {
    await hub?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return report;
}
