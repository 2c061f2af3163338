// Every route that checks a credential goes through the one failure limiter: walks the hub's whole route table (every
// route of a guarded group, and every public route that declares `config: { credential: true }`), fails its credential
// from a fresh address until the limit, and proves the next attempt is `rate_limited` with Retry-After. A route added
// later is walked without being named here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse } from '../../src/shared/protocol.ts';
import { EdgePaths } from '../../src/shared/edge-protocol.ts';
import { HubPaths } from '../../src/shared/protocol.ts';
import { StaffPaths } from '../features/report/report-routes.ts';
import { rawRequest } from '../../tests/support/raw-http.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';
import type { HubRoute } from '../core/http/access-groups.ts';
import { defaultHubLimits, type HubLimits } from '../core/http/hub-limits.ts';

const LIMIT = { maxFailures: 2, windowMs: 10 * 60_000 };
const limits = Object.fromEntries(Object.keys(defaultHubLimits).map((name) => [name, LIMIT])) as HubLimits;
/** A wrong credential for each public credential route (they take it in the body, each in its own shape). */
const WRONG_BODY: Record<string, unknown> = {
  [`POST ${HubPaths.enroll}`]: { code: 'WRNG-0000', deviceName: '教室电脑' },
  [`POST ${EdgePaths.enroll}`]: { code: 'EDGE-WRNG-0000', edgeName: '本校服务器' },
  [`POST ${StaffPaths.login}`]: { username: 'nobody', password: 'wrong-password' },
};

let hub: TestHub;
const routes: HubRoute[] = [];
beforeAll(async () => {
  hub = await startTestHub(undefined, { limits, onRoute: (route) => routes.push(route) });
});
afterAll(() => hub.close());

let nextAddress = 0;
const freshAddress = () => `127.0.${10 + Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`;

async function attempt(route: HubRoute, from: string) {
  const path = route.url.replace(/:[A-Za-z]+/g, 'x').replace('*', 'x');
  const body = route.access === 'public' ? JSON.stringify(WRONG_BODY[`${route.method} ${route.url}`]) : route.method === 'GET' || route.method === 'HEAD' ? '' : '{}';
  const headers = [`${route.method} ${path} HTTP/1.1`, 'Host: hub', 'Connection: close'];
  if (route.access !== 'public') headers.push('Authorization: Bearer wrong-credential-0123456789');
  if (body) headers.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  const res = await rawRequest({ port: Number(new URL(hub.base).port), localAddress: from, head: route.method === 'HEAD', send: `${headers.join('\r\n')}\r\n\r\n${body}` });
  const parsed: unknown = res.body.length > 0 ? JSON.parse(res.body.toString()) : null;
  return { status: res.status, retryAfter: res.headers['retry-after'], code: ErrorResponse.safeParse(parsed).data?.error.code };
}

describe('every credential route is limited', () => {
  it('the walk covers the guarded groups and the public credential routes', () => {
    const credential = routes.filter((r) => r.credential);
    expect(new Set(credential.map((r) => r.access))).toEqual(new Set(['device', 'edge', 'admin', 'admin-page', 'cluster', 'staff', 'public']));
    // A new public credential route must say what a wrong attempt looks like, or this walk cannot try it.
    for (const r of credential.filter((c) => c.access === 'public')) expect(WRONG_BODY, `${r.method} ${r.url}`).toHaveProperty([`${r.method} ${r.url}`]);
  });

  it('each answers rate_limited with Retry-After once an address has failed its credential too often', async () => {
    const unlimited: string[] = [];
    for (const route of routes.filter((r) => r.credential)) {
      const from = freshAddress();
      for (let i = 0; i < LIMIT.maxFailures; i++) {
        const failed = await attempt(route, from);
        expect(failed.status, `${route.method} ${route.url} attempt ${i}`).toBeGreaterThanOrEqual(400);
        expect(failed.status, `${route.method} ${route.url} attempt ${i}`).not.toBe(429);
      }
      const limited = await attempt(route, from);
      if (limited.status !== 429 || !(Number(limited.retryAfter) > 0) || (route.method !== 'HEAD' && limited.code !== 'rate_limited')) unlimited.push(`${route.method} ${route.url}`);
    }
    expect(unlimited).toEqual([]);
  });
});
