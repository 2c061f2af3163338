// Requests that used to stop the hub or make it work for nothing, each answered by name while the hub stays up:
// Content-Encoding where no body is read, corrupt and truncated gzip, a gzip bomb, Range headers written to multiply
// the bytes sent, an empty file, upgrades on paths where no WebSocket lives (refused and closed), and the staff writes
// that take something back or change a password, fed ids and bodies meant to reach another row or cost the hub work.
import { gzipSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawResponse } from '../../tests/support/raw-http.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { ErrorResponse, PushResponse } from '../../src/shared/protocol.ts';
import { ensureDemoStaff } from '../features/staff/demo-staff.ts';
import { signIn, type StaffSession } from '../testing/staff-report-fixture.ts';
import { startTestHub, type TestHub } from '../testing/test-hub.ts';

let hub: TestHub;
let port: number;
let token: string;
const FILE = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

beforeAll(async () => {
  hub = await startTestHub();
  port = Number(new URL(hub.base).port);
  token = (await hub.enroll('DEMO-ZJ-1')).device.token;
  mkdirSync(join(hub.dataDir, 'updates', 'latest'), { recursive: true });
  writeFileSync(join(hub.dataDir, 'updates', 'latest', 'app-1.0.0.exe'), FILE);
  writeFileSync(join(hub.dataDir, 'updates', 'latest', 'empty.blockmap'), '');
});
afterAll(() => hub.close());

function request(method: string, path: string, headers: Record<string, string>, body: Buffer = Buffer.alloc(0)) {
  const head = [`${method} ${path} HTTP/1.1`, 'Host: hub', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body.length > 0 && headers['transfer-encoding'] === undefined) head.push(`Content-Length: ${body.length}`);
  return rawRequest({ port, send: Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), body]), head: method === 'HEAD' });
}
const codeOf = (res: RawResponse) => ErrorResponse.parse(JSON.parse(res.body.toString())).error.code;
async function expectAlive() {
  expect((await fetch(`${hub.base}/v1/health`)).status).toBe(200);
}
const pushBody = (ops: unknown[]) => Buffer.from(JSON.stringify({ ops }));
const op = (n: number) => ({ id: `hostile-${n}`, seq: n, hlc: encodeHlc({ wallMs: 1000 + n, counter: 0, node: 'dev_h' }), type: 'attendance.set', lessonId: 'les-j7-0-0', studentId: 'stu-zj-7-1-06', status: 'present' });

describe('request decompression', () => {
  it('ignores Content-Encoding on routes that read no body (this used to end the hub)', async () => {
    for (const path of ['/v1/health', '/v1/sync/pull', '/v1/admin/classrooms', '/updates/latest/app-1.0.0.exe']) {
      for (const body of [Buffer.alloc(0), Buffer.from('not gzip at all'), gzipSync('{}')]) {
        const res = await request('GET', path, { 'content-encoding': 'gzip', authorization: `Bearer ${token}` }, body);
        expect(res.status, path).toBeGreaterThan(0);
        expect(res.status, path).toBeLessThan(500);
      }
    }
    await expectAlive();
  });

  it('inflates a gzip push, and refuses corrupt, truncated, unknown and bomb encodings by name', async () => {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const ok = await request('POST', '/v1/sync/push', { ...auth, 'content-encoding': 'gzip' }, gzipSync(pushBody([op(1)])));
    expect(PushResponse.parse(JSON.parse(ok.body.toString())).acks[0]?.status).toBe('applied');

    const good = gzipSync(pushBody([op(2)]));
    const cases: [string, Record<string, string>, Buffer, number, string][] = [
      ['corrupt gzip', { 'content-encoding': 'gzip' }, Buffer.from('definitely not gzip'), 400, 'bad_request'],
      ['truncated gzip', { 'content-encoding': 'gzip' }, good.subarray(0, good.length - 12), 400, 'bad_request'],
      ['deflate', { 'content-encoding': 'deflate' }, good, 400, 'bad_request'],
      ['gzip twice over', { 'content-encoding': 'gzip, gzip' }, gzipSync(good), 400, 'bad_request'],
      // 64 MiB of JSON-ish zeros in 64 KiB: inflation stops at the 4 MiB body limit.
      ['a gzip bomb', { 'content-encoding': 'gzip' }, gzipSync(Buffer.concat([Buffer.from('{"ops":["'), Buffer.alloc(64 * 1024 * 1024, 0x30), Buffer.from('"]}')])), 413, 'payload_too_large'],
      ['gzip on enrollment (no decompression there)', { 'content-encoding': 'gzip' }, gzipSync('{"code":"DEMO-ZJ-1","deviceName":"x"}'), 400, 'bad_request'],
    ];
    const applied = () => hub.db.get(`SELECT count(*) AS n FROM applied_ops`);
    const before = await applied();
    for (const [name, headers, body, status, code] of cases) {
      const path = name.includes('enrollment') ? '/v1/enroll' : '/v1/sync/push';
      const res = await request('POST', path, { ...auth, ...headers }, body);
      expect([res.status, codeOf(res)], name).toEqual([status, code]);
      await expectAlive();
    }
    expect(await applied()).toEqual(before);
  });
});

describe('Range on the update feed', () => {
  const get = (file: string, range?: string) => request('GET', `/updates/latest/${file}`, range === undefined ? {} : { range });

  it('sends 2 000 overlapping ranges as the whole file once (ignored past 200 ranges), not 2 000 copies', async () => {
    const res = await get('app-1.0.0.exe', `bytes=${Array.from({ length: 2000 }, () => '0-').join(',')}`);
    expect(res.status).toBe(200);
    expect(res.body.equals(FILE)).toBe(true);
  });

  it('merges overlapping and adjacent ranges into one part', async () => {
    const res = await get('app-1.0.0.exe', `bytes=${Array.from({ length: 150 }, (_, i) => `${i}-${i + 100}`).join(',')}`);
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe('bytes 0-249/1000');
    expect(res.body.equals(FILE.subarray(0, 250))).toBe(true);
  });

  it('answers separate ranges as multipart, never more bytes than the file plus part headers', async () => {
    const res = await get('app-1.0.0.exe', 'bytes=900-, 0-9, -50, 5-20');
    expect(res.status).toBe(206);
    expect(res.headers['content-type']).toMatch(/^multipart\/byteranges; boundary=/);
    expect(res.body.toString('latin1')).toContain('Content-Range: bytes 0-20/1000');
    expect(res.body.toString('latin1')).toContain('Content-Range: bytes 900-999/1000');
    expect(res.body.length).toBeLessThan(1000 + 2 * 200);
  });

  it('answers an empty file whole, with or without Range; a range past the end is 416 in the error shape', async () => {
    for (const range of [undefined, 'bytes=0-', 'bytes=-10']) {
      const res = await get('empty.blockmap', range);
      expect([res.status, res.headers['content-length'], res.body.length], String(range)).toEqual([200, '0', 0]);
    }
    const past = await get('app-1.0.0.exe', 'bytes=1000-');
    expect([past.status, past.headers['content-range'], codeOf(past)]).toEqual([416, 'bytes */1000', 'bad_request']);
  });
});

describe('upgrade requests', () => {
  const upgrade = (target: string, timeoutMs = 3000) =>
    rawRequest({
      port,
      send: `GET ${target} HTTP/1.1\r\nHost: hub\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      untilClose: true,
      timeoutMs,
    });

  it.each(['/v1/health', '/v1/admin/classrooms', '/nowhere', 'http://hub/v1/sync/pull', '/v1/live/%77s', '//[', '*'])('refuses %s with 404 in the error shape and closes the socket', async (target) => {
    const res = await upgrade(target);
    expect(res.timedOut).toBe(false);
    expect(res.closed).toBe(true);
    expect([res.status, codeOf(res)]).toEqual([404, 'not_found']);
    await expectAlive();
  });

  it('still upgrades the live socket (and keeps it open)', async () => {
    const res = await upgrade('/v1/live/ws', 500);
    expect([res.status, res.closed, res.timedOut]).toEqual([101, false, true]);
  });
});

describe('staff writes: withdrawing feedback and changing a password, with hostile input', () => {
  let lead: StaffSession;
  let feedbackId: string;
  const staffPost = (session: StaffSession, target: string, body: string | Buffer, type = 'application/json') =>
    request('POST', target, { cookie: session.cookie, 'x-csrf-token': session.csrf, ...(type ? { 'content-type': type } : {}) }, Buffer.from(body));
  const state = async () => [
    await hub.db.all(`SELECT id, withdrawn_at FROM note_feedback ORDER BY id`),
    await hub.db.get(`SELECT count(*) AS n FROM changes`),
    await hub.db.all(`SELECT username, password_hash FROM staff_accounts ORDER BY username`),
  ];

  beforeAll(async () => {
    await ensureDemoStaff(hub.db, new Date('2026-11-25T02:00:00Z'));
    const note = { id: 'hostile-note-op', seq: 1, hlc: encodeHlc({ wallMs: 5000, counter: 0, node: 'dev_h' }), type: 'note.put', noteId: 'hostile-note', lessonId: 'les-j7-0-0', baseHlc: null, merges: [], anchor: { kind: 'time', seconds: 60 }, text: '笔记', pause: false, deleted: false };
    expect((await request('POST', '/v1/sync/push', { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, pushBody([note]))).status).toBe(200);
    lead = await signIn(hub, 'demo-lead', 'lead-demo-2026');
    const posted = await fetch(`${hub.base}/staff/api/research/notes/hostile-note/feedback`, { method: 'POST', headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'reply', text: '回复' }) });
    expect(posted.status).toBe(201);
    feedbackId = ((await posted.json()) as { feedback: { id: string } }).feedback.id;
  });

  it('refuses withdrawal targets that are not one feedback id, by name, and withdraws nothing', async () => {
    const before = await state();
    const targets = [
      `/staff/api/research/feedback/${feedbackId}%2F..%2F..%2Fnotes%2Fhostile-note/withdraw`,
      `/staff/api/research/feedback/..%2F${feedbackId}/withdraw`,
      `/staff/api/research/feedback/${feedbackId}%00/withdraw`,
      `/staff/api/research/feedback/${encodeURIComponent(`${feedbackId}' OR '1'='1`)}/withdraw`,
      `/staff/api/research/feedback/${encodeURIComponent('%')}/withdraw`,
      `/staff/api/research/feedback/${'f'.repeat(65)}/withdraw`,
      `/staff/api/research/feedback/${'f'.repeat(64)}/withdraw`,
      `/staff/api/research/feedback/${encodeURIComponent('反馈')}/withdraw`,
    ];
    for (const target of targets) {
      const res = await staffPost(lead, target, '{}');
      expect(res.status, target).toBeGreaterThanOrEqual(400);
      expect(res.status, target).toBeLessThan(500);
      expect(['bad_request', 'not_found'], target).toContain(codeOf(res));
    }
    for (const [body, type] of [['{"feedbackId":"x"}', 'application/json'], ['[]', 'application/json'], ['{"__proto__":{"role":"county"}}', 'application/json'], ['x', 'text/plain']]) {
      const res = await staffPost(lead, `/staff/api/research/feedback/${feedbackId}/withdraw`, body ?? '', type);
      expect([res.status, codeOf(res)], body).toEqual([expect.any(Number), expect.stringMatching(/^(bad_request|payload_too_large)$/)]);
      expect(res.status, body).toBeLessThan(500);
    }
    expect(await state()).toEqual(before);
    await expectAlive();
  });

  it('refuses password bodies that are not one, before any scrypt, and changes nothing (nor counts a failed sign-in)', async () => {
    const before = await state();
    const bodies = [
      JSON.stringify({ currentPassword: 'lead-demo-2026', newPassword: 'x'.repeat(100_000) }),
      JSON.stringify({ currentPassword: 'y'.repeat(100_000), newPassword: 'new-password-2027' }),
      JSON.stringify({ currentPassword: ['lead-demo-2026'], newPassword: 'new-password-2027' }),
      JSON.stringify({ currentPassword: 'lead-demo-2026', newPassword: { length: 20 } }),
      JSON.stringify({ currentPassword: 'lead-demo-2026', newPassword: 'new-password-2027', accountId: 'staff_other' }),
      '{"__proto__":{"currentPassword":"lead-demo-2026"},"newPassword":"new-password-2027"}',
      '{"currentPassword":"lead-demo-2026","newPassword":',
    ];
    for (const body of bodies) {
      const res = await staffPost(lead, '/staff/api/password', body);
      expect([res.status, codeOf(res)], body.slice(0, 80)).toEqual([400, 'bad_request']);
    }
    expect(await state()).toEqual(before);
    // None of them was a guess: the account's sign-in budget is untouched (5 wrong ones would lock it).
    for (let i = 0; i < 4; i++) expect((await staffPost(lead, '/staff/api/password', JSON.stringify({ currentPassword: `guess-${i}`, newPassword: 'new-password-2027' }))).status).toBe(403);
    expect((await fetch(`${hub.base}/staff/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'demo-lead', password: 'lead-demo-2026' }) })).status).toBe(200);
    await expectAlive();
  });
});
