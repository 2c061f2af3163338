// A real county hub and a real school edge on loopback (real SQLite, real disks, real HTTP): enrollment of the edge by
// an admin-issued code, pack lists passed through byte for byte (signatures unchanged), a blob that two classrooms
// download at once crossing the "uplink" once, Range/ETag on the edge, a classroom of another school refused by name
// with nothing fetched, records forwarded with exactly-once kept by the county, and IT's status.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentPaths, PacksResponse } from '../../src/shared/content-protocol.ts';
import { EdgePaths, EdgeStatus } from '../../src/shared/edge-protocol.ts';
import { ErrorResponse, PROTOCOL_HEADER, PROTOCOL_VERSION, PullResponse, PushResponse } from '../../src/shared/protocol.ts';
import { enrollEdgeUpstream } from '../features/edge/school/edge-identity.ts';
import { RIG_ADMIN, startCounty, startEdgeFor, type County } from '../testing/edge-rig.ts';
import { waitFor } from '../../tests/support/ports.ts';
import { parseEdgeHours } from './edge-main.ts';
import { rawRequest } from '../../tests/support/raw-http.ts';
import { defaultHubLimits } from '../core/http/hub-limits.ts';
import { formatBytes } from '../../src/shared/format-bytes.ts';

let county: County;
let edge: Awaited<ReturnType<typeof startEdgeFor>>;
const tokens: Record<'zj1' | 'zj2' | 'lt', string> = { zj1: '', zj2: '', lt: '' };

beforeAll(async () => {
  county = await startCounty({ packBytes: 1_500_000 });
  edge = await startEdgeFor(county);
  tokens.zj1 = await county.enrollClassroom('DEMO-ZJ-1');
  tokens.zj2 = await county.enrollClassroom('DEMO-ZJ-2');
  tokens.lt = await county.enrollClassroom('DEMO-LT-1');
});
afterAll(async () => {
  await edge.close();
  await county.close();
});

const get = (base: string, path: string, token: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers: { ...headers, authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) } });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const blobSha = () => county.pack.files[0]?.sha256 ?? expect.fail('pack has no file');

/** Downloads a blob the way the renderer does: chunk-sized Range requests, several in flight. */
async function download(base: string, token: string) {
  const file = county.pack.files[0] ?? expect.fail('no file');
  const parts = await Promise.all(
    file.chunks.map(async (_, i) => {
      const start = i * file.chunkSize;
      const end = Math.min(start + file.chunkSize, file.size) - 1;
      const res = await get(base, ContentPaths.blob(file.sha256), token, { range: `bytes=${start}-${end}` });
      expect(res.status).toBe(206);
      return new Uint8Array(await res.arrayBuffer());
    }),
  );
  return Buffer.concat(parts);
}

describe('enrolling a school edge', () => {
  it('needs the admin for a code, names an unknown school, and a code enrolls one edge only', async () => {
    const edges = () => county.db.raw.prepare(`SELECT count(*) AS n FROM edges`).get();
    expect((await county.post(EdgePaths.codes, { schoolId: 'sch-zj' })).status).toBe(401);
    const unknown = await county.post(EdgePaths.codes, { schoolId: 'sch-nowhere' }, RIG_ADMIN);
    expect(ErrorResponse.parse(unknown.body).error.code).toBe('not_found');
    const code = await county.edgeCode();
    const dataDir = mkdtempSync(join(tmpdir(), 'edge-again-'));
    const first = await enrollEdgeUpstream({ dataDir, upstream: county.base, code, edgeName: '备用' });
    expect(first.school.id).toBe('sch-zj');
    const before = edges();
    await expect(enrollEdgeUpstream({ dataDir, upstream: county.base, code, edgeName: '再来' })).rejects.toThrow(/enrollment_code_used/);
    expect(edges()).toEqual(before);
    expect(JSON.parse(readFileSync(join(dataDir, 'edge.json'), 'utf8'))).toMatchObject({ edgeId: first.edgeId });
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('content through the edge', () => {
  it('passes the county’s pack list through unchanged, signatures included', async () => {
    const direct = await (await get(county.base, ContentPaths.packs, tokens.zj1)).text();
    const viaEdge = await (await get(edge.base, ContentPaths.packs, tokens.zj1)).text();
    expect(viaEdge).toBe(direct);
    expect(PacksResponse.parse(JSON.parse(viaEdge)).packs[0]?.signature).toBe(county.signer.sign(county.pack));
  });

  it('fetches a blob over the uplink once for two classrooms downloading it at the same time', async () => {
    const before = await county.uplinkStats();
    const [a, b] = await Promise.all([download(edge.base, tokens.zj1), download(edge.base, tokens.zj2)]);
    expect(sha(a)).toBe(blobSha());
    expect(sha(b)).toBe(blobSha());
    const after = await county.uplinkStats();
    expect(after.blobBytesSent - before.blobBytesSent).toBe(county.video.length);
    // And again later, from the edge's disk: nothing more crosses the uplink.
    expect(sha(await download(edge.base, tokens.zj1))).toBe(blobSha());
    expect((await county.uplinkStats()).blobBytesSent).toBe(after.blobBytesSent);
  });

  it('answers Range, ETag and 304 like the county hub', async () => {
    const whole = await get(edge.base, ContentPaths.blob(blobSha()), tokens.zj2);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('etag')).toBe(`"${blobSha()}"`);
    expect(sha(new Uint8Array(await whole.arrayBuffer()))).toBe(blobSha());
    expect((await get(edge.base, ContentPaths.blob(blobSha()), tokens.zj2, { 'if-none-match': `"${blobSha()}"` })).status).toBe(304);
    const past = await get(edge.base, ContentPaths.blob(blobSha()), tokens.zj2, { range: `bytes=${county.video.length}-` });
    expect(past.status).toBe(416);
    const missing = await get(edge.base, ContentPaths.blob('0'.repeat(64)), tokens.zj2);
    expect(ErrorResponse.parse(await missing.json()).error.code).toBe('not_found');
  });
});

describe('who may use the edge', () => {
  it('refuses a classroom of another school by name, and fetches nothing for it', async () => {
    const before = await county.uplinkStats();
    for (const path of [ContentPaths.packs, ContentPaths.blob(blobSha()), `${'/v1/sync/pull'}?cursor=0`]) {
      const res = await get(edge.base, path, tokens.lt);
      expect(res.status).toBe(403);
      expect(ErrorResponse.parse(await res.json()).error.code).toBe('wrong_school');
    }
    expect(await county.uplinkStats()).toEqual(before);
    const status = EdgeStatus.parse(await edge.status());
    expect(status.classrooms.map((c) => c.classroomId)).toEqual(['cls-zj-7-1', 'cls-zj-7-2']);
    expect(status.refusals.wrongSchool).toBeGreaterThanOrEqual(3);
  });

  it('counts unknown device tokens relayed by an edge against that edge, like one address', async () => {
    const guesser = await startEdgeFor(county);
    try {
      const codes: string[] = [];
      for (let i = 0; i < 70; i++) {
        const res = await get(guesser.base, ContentPaths.packs, `ykt_guess-${i}-${'x'.repeat(30)}`);
        codes.push(ErrorResponse.parse(await res.json()).error.code);
      }
      expect(codes.slice(0, 60).every((c) => c === 'unauthorized')).toBe(true);
      expect(codes.at(-1)).toBe('rate_limited');
    } finally {
      await guesser.close();
    }
  });

  it('refuses an unknown token and a request without one', async () => {
    const res = await get(edge.base, ContentPaths.packs, 'ykt_not-a-real-token-000000000');
    expect(ErrorResponse.parse(await res.json()).error.code).toBe('unauthorized');
    const bare = await fetch(`${edge.base}${ContentPaths.packs}`);
    expect(bare.status).toBe(401);
  });
});

describe('an edge the county no longer accepts', () => {
  it('tells classrooms it cannot help (502 upstream_unavailable, never their own refusal) and says why on its status', async () => {
    const revoked = await startEdgeFor(county);
    try {
      county.db.raw.prepare(`UPDATE edges SET revoked_at = ? WHERE id = ?`).run(new Date().toISOString(), revoked.identity.edgeId);
      const res = await get(revoked.base, ContentPaths.packs, tokens.zj2);
      expect(res.status).toBe(502);
      expect(ErrorResponse.parse(await res.json()).error.code).toBe('upstream_unavailable');
      const status = EdgeStatus.parse(await revoked.status());
      expect(status.health).toBe('upstream_unreachable');
      expect(status.problem).toMatch(/enroll it again/);
      expect(status.refusals.unauthorised).toBe(0);
    } finally {
      await revoked.close();
    }
  });
});

describe('records through the edge', () => {
  it('forwards pull unchanged', async () => {
    const direct = PullResponse.parse(await (await get(county.base, '/v1/sync/pull?cursor=0', tokens.zj1)).json());
    const viaEdge = PullResponse.parse(await (await get(edge.base, '/v1/sync/pull?cursor=0', tokens.zj1)).json());
    expect(viaEdge.changes.length).toBe(direct.changes.length);
    expect(viaEdge.cursor).toBe(direct.cursor);
  });

  it('forwards a gzipped push unchanged; a replay through the edge is a duplicate on the county hub', async () => {
    const op = { id: `op-edge-${process.pid}`, seq: 1, hlc: encodeHlc({ wallMs: 1_000, counter: 0, node: 'dev_edge' }), type: 'attendance.set', lessonId: 'les-j7-0-0', studentId: 'stu-zj-7-1-03', status: 'late' };
    const push = async () => {
      const res = await fetch(`${edge.base}/v1/sync/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.zj1}`, 'content-type': 'application/json', 'content-encoding': 'gzip', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
        body: gzipSync(JSON.stringify({ ops: [op] })),
      });
      expect(res.status).toBe(200);
      return PushResponse.parse(await res.json()).acks[0]?.status;
    };
    expect(await push()).toBe('applied');
    expect(await push()).toBe('duplicate');
    expect(county.db.raw.prepare(`SELECT status FROM attendance WHERE lesson_id = 'les-j7-0-0' AND student_id = 'stu-zj-7-1-03'`).get()).toEqual({ status: 'late' });
  });
});

describe('fetching ahead', () => {
  it('an edge in its download hours fetches the next days’ packs before any classroom asks, once', async () => {
    const before = await county.uplinkStats();
    const early = await startEdgeFor(county, { prefetchHours: null });
    try {
      const status = await waitFor(async () => {
        const s = EdgeStatus.parse(await early.status());
        return s.cache.blobs === 1 ? s : undefined;
      }, 'prefetched pack', 10_000, 50);
      expect(status.cache.pinnedBlobs).toBe(1);
      expect(status.bytes.uplinkFetched).toBe(county.video.length);
      expect((await county.uplinkStats()).blobBytesSent - before.blobBytesSent).toBe(county.video.length);
      expect(status.classrooms).toEqual([]);
    } finally {
      await early.close();
    }
  });
});

describe('what IT sees', () => {
  it('reports cache use, uplink bytes fetched vs served, and health; only with the edge admin token', async () => {
    const status = EdgeStatus.parse(await edge.status());
    expect(status.health).toBe('ok');
    expect(status.cache.blobs).toBe(1);
    expect(status.cache.pinnedBlobs).toBe(1);
    expect(status.bytes.uplinkFetched).toBe(county.video.length);
    expect(status.bytes.lanServed).toBeGreaterThanOrEqual(4 * county.video.length);
    expect(status.bytes.saved).toBe(status.bytes.lanServed - status.bytes.uplinkFetched);
    expect((await fetch(`${edge.base}${EdgePaths.status}`)).status).toBe(401);
    // No SFU on this edge: live is the county's, and the page says so.
    expect(status.live).toBeNull();
    const page = await (await fetch(`${edge.base}${EdgePaths.statusPage}?key=edge-admin-secret-0123456789`)).text();
    expect(page).toContain('节省上行');
    // Sizes through the one formatter, 1024-based as Windows shows them.
    expect(page).toContain(`经上行下载：${formatBytes(status.bytes.uplinkFetched)}；`);
    expect(page).toContain('本机未启用直播转发');
  });

  it('limits wrong edge admin tokens per address like the county’s admin token: the right one too, once over', async () => {
    const port = Number(new URL(edge.base).port);
    const get = async (token: string) => {
      const res = await rawRequest({ port, localAddress: '127.0.0.50', send: `GET ${EdgePaths.status} HTTP/1.1\r\nHost: edge\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n` });
      return { status: res.status, retryAfter: res.headers['retry-after'] };
    };
    for (let i = 0; i < defaultHubLimits.consoleLoginPerAddress.maxFailures; i++) expect((await get(`wrong-edge-admin-token-${i}`)).status).toBe(401);
    const limited = await get('edge-admin-secret-0123456789');
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect(EdgeStatus.parse(await edge.status()).health).toBe('ok'); // another address is not affected
  });
});

describe('HUB_EDGE_HOURS', () => {
  it.each([
    ['22:00-06:00', { start: 1320, end: 360 }],
    [' any ', null],
    ['off', false],
    ['25:00-06:00', undefined],
    ['22:00', undefined],
    ['22:00-06:00-07:00', undefined],
  ])('%j', (text, expected) => expect(parseEdgeHours(text)).toEqual(expected));
});
