// The school edge is the county hub's server with another feature set (hub/core create-server.ts), so it is tried the
// same way: its own route table (every route in an access group, a route outside one refuses to start), and every
// group of the hub fuzz's hostile requests at every route — a guarded route never serves without its credential,
// every refusal is `{error:{code,message}}`, nothing is a 5xx but the edge's named `upstream_unavailable`, and the
// edge still answers its health after each group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgePaths } from '../../src/shared/edge-protocol.ts';
import { ErrorResponse, HealthResponse } from '../../src/shared/protocol.ts';
import { judgeFuzzAnswer } from '../../tests/support/hub-fuzz.ts';
import { FUZZ_GROUPS, fuzzCases } from '../../tests/support/hub-fuzz-requests.ts';
import { rawRequest } from '../../tests/support/raw-http.ts';
import type { HubRoute } from '../core/http/access-groups.ts';
import { EDGE_ADMIN, startCounty, startEdgeFor, type County } from '../testing/edge-rig.ts';

let county: County;
let edge: Awaited<ReturnType<typeof startEdgeFor>>;
const routes: HubRoute[] = [];
let deviceToken = '';

beforeAll(async () => {
  county = await startCounty({ packBytes: 300_000 });
  edge = await startEdgeFor(county, { onRoute: (route) => routes.push(route) });
  deviceToken = await county.enrollClassroom('DEMO-ZJ-1');
}, 60_000);
afterAll(async () => {
  await edge.close();
  await county.close();
});

describe('the school edge on the one server', () => {
  it('has every route in an access group: content and records for devices, status for its admin', () => {
    const groupOf = (url: string) => routes.filter((r) => r.url === url && r.method === 'GET').map((r) => r.access);
    expect(groupOf('/v1/health')).toEqual(['public']);
    expect(groupOf('/v1/content/packs')).toEqual(['device']);
    expect(groupOf('/v1/content/blobs/:sha256')).toEqual(['device']);
    expect(groupOf('/v1/sync/pull')).toEqual(['device']);
    expect(routes.filter((r) => r.method === 'POST').map((r) => `${r.access} ${r.url}`)).toEqual(['device /v1/sync/push']);
    expect(groupOf(EdgePaths.status)).toEqual(['admin']);
    expect(groupOf(EdgePaths.statusPage)).toEqual(['admin-page']);
    expect(routes.every((r) => r.access === 'public' ? !r.credential : r.credential)).toBe(true);
  });

  it('answers every hostile request in the error shape, opens nothing without its credential and keeps serving', { timeout: 240_000 }, async () => {
    const port = Number(new URL(edge.base).port);
    const problems: string[] = [];
    const problem = (kind: string, detail: string) => {
      if (problems.length < 20) problems.push(`${kind}: ${detail}`);
    };
    const creds = { admin: EDGE_ADMIN, device: deviceToken, port, staff: { cookie: '', csrf: '' }, staffLogout: { cookie: '', csrf: '' } };
    let requests = 0;
    for (const group of FUZZ_GROUPS) {
      for (const route of routes) {
        for (const fuzz of fuzzCases(group, route, creds)) {
          // Callers with and without credentials from different addresses: the limits on the second never hide the first.
          const res = await rawRequest({ port, localAddress: fuzz.credentialed ? '127.0.0.2' : '127.0.0.3', send: fuzz.request, head: fuzz.head ?? false, timeoutMs: fuzz.complete ? 8000 : 1000 });
          requests++;
          const upstreamRefusal = res.status === 502 && ErrorResponse.safeParse(JSON.parse(res.body.toString() || 'null')).data?.error.code === 'upstream_unavailable';
          judgeFuzzAnswer(route, fuzz, res, (kind, detail) => (kind === 'serverErrors' && upstreamRefusal ? undefined : problem(kind, detail)));
        }
      }
      const health = await fetch(`${edge.base}/v1/health`);
      if (!health.ok || !HealthResponse.safeParse(await health.json()).success) problem('unhealthy', `after ${group}`);
    }
    expect(problems).toEqual([]);
    expect(requests).toBeGreaterThan(routes.length * 50);
  });
});
