// Failed-attempt limits over real HTTP and WebSocket: enrollment codes (per address and per code), device tokens,
// the admin API and the live console login. Each refusal is `rate_limited` with Retry-After, changes nothing, and
// lifts when the window has passed; other addresses are not affected. Clients on 127.0.0.2… are other addresses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawRequest } from '../../tests/support/raw-http.ts';
import { LIVE_PROTOCOL_VERSION, LIVE_WS_PATH, LiveServerMessage } from '../../src/shared/live-protocol.ts';
import { ErrorResponse, type EnrollResponse } from '../../src/shared/protocol.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson } from '../features/live/broadcast/demo-live.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../features/live/sfu/live-sfu.ts';
import { startTestHub, TEST_ADMIN_TOKEN, type TestHub } from '../testing/test-hub.ts';

const LIMIT = { maxFailures: 3, windowMs: 10 * 60_000 };
let hub: TestHub;
let port: number;
let now = new Date('2026-11-25T02:00:00Z');

beforeAll(async () => {
  hub = await startTestHub(now, {
    limits: { enrollPerAddress: LIMIT, enrollPerCode: LIMIT, deviceAuthPerAddress: LIMIT, consoleLoginPerAddress: LIMIT, consoleLoginPerLesson: { maxFailures: 5, windowMs: LIMIT.windowMs } },
  });
  port = Number(new URL(hub.base).port);
});
afterAll(() => hub.close());

function pass(ms: number) {
  now = new Date(now.getTime() + ms);
  hub.setNow(now);
}

async function send(from: string, method: string, path: string, { token, json }: { token?: string; json?: unknown } = {}) {
  const body = json === undefined ? '' : JSON.stringify(json);
  const headers = [`${method} ${path} HTTP/1.1`, 'Host: hub', 'Connection: close'];
  if (token) headers.push(`Authorization: Bearer ${token}`);
  if (body) headers.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  const res = await rawRequest({ port, localAddress: from, send: `${headers.join('\r\n')}\r\n\r\n${body}` });
  const parsed: unknown = JSON.parse(res.body.toString() || 'null');
  return { status: res.status, retryAfter: res.headers['retry-after'], code: ErrorResponse.safeParse(parsed).data?.error.code, body: parsed };
}
const enroll = (from: string, code: string) => send(from, 'POST', '/v1/enroll', { json: { code, deviceName: '教室电脑' } });
const deviceCount = async () => (await hub.db.get<{ n: number }>(`SELECT count(*) AS n FROM devices`))?.n;

describe('enrollment attempts', () => {
  it('per address: after 3 wrong codes even the right one is refused with Retry-After, until the window passes', async () => {
    for (const code of ['AAAA-1111', 'BBBB-2222', 'CCCC-3333']) expect((await enroll('127.0.0.2', code)).code).toBe('enrollment_code_invalid');
    const devices = await deviceCount();
    const limited = await enroll('127.0.0.2', 'DEMO-ZJ-1');
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(limited.retryAfter)).toBeGreaterThan(500);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(600);
    expect(await deviceCount()).toBe(devices); // nothing changed
    expect((await enroll('127.0.0.3', 'DEMO-ZJ-1')).status).toBe(201); // another address is not affected
    pass(LIMIT.windowMs);
    expect((await enroll('127.0.0.2', 'DEMO-ZJ-1')).status).toBe(201);
  });

  it('per code: a code refused 3 times (from any addresses) is refused outright', async () => {
    const made = await hub.admin('/v1/admin/enrollment-codes', { method: 'POST', json: { classroomId: 'cls-lt-5-1', ttlMinutes: 1 } });
    const { code } = made.body as { code: string };
    pass(2 * 60_000); // expired
    for (const from of ['127.0.0.4', '127.0.0.5', '127.0.0.6']) expect((await enroll(from, code)).code).toBe('enrollment_code_expired');
    expect(await enroll('127.0.0.7', code)).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await enroll('127.0.0.7', 'DEMO-ZJ-2')).status).toBe(201); // the address itself is fine
    pass(LIMIT.windowMs);
  });
});

describe('school edge enrollment', () => {
  it('limited like a classroom’s: after 3 wrong edge codes from an address even a good one is refused, and nothing is enrolled', async () => {
    const edges = async () => (await hub.db.get<{ n: number }>(`SELECT count(*) AS n FROM edges`))?.n;
    const made = await hub.admin('/v1/admin/edge-codes', { method: 'POST', json: { schoolId: 'sch-zj', ttlMinutes: 60 } });
    const { code } = made.body as { code: string };
    const edgeEnroll = (from: string, c: string) => send(from, 'POST', '/v1/edge/enroll', { json: { code: c, edgeName: '本校服务器' } });
    for (let i = 0; i < 3; i++) expect((await edgeEnroll('127.0.0.30', `EDGE-WRNG-000${i}`)).code).toBe('enrollment_code_invalid');
    const before = await edges();
    expect(await edgeEnroll('127.0.0.30', code)).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(await edges()).toBe(before);
    expect((await edgeEnroll('127.0.0.31', code)).status).toBe(201);
  });
});

describe('device authentication', () => {
  it('after 3 unknown tokens from an address, its requests are refused — a valid token too — until the window passes', async () => {
    const { device } = (await enroll('127.0.0.9', 'DEMO-ZJ-1')).body as EnrollResponse;
    for (let i = 0; i < 3; i++) expect((await send('127.0.0.8', 'GET', '/v1/sync/pull', { token: `ykt_guess_${i}_${'x'.repeat(30)}` })).code).toBe('unauthorized');
    const limited = await send('127.0.0.8', 'GET', '/v1/sync/pull', { token: device.token });
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect((await send('127.0.0.9', 'GET', '/v1/sync/pull', { token: device.token })).status).toBe(200);
    pass(LIMIT.windowMs);
    expect((await send('127.0.0.8', 'GET', '/v1/sync/pull', { token: device.token })).status).toBe(200);
  });

  it('does not count a revoked device as a guess', async () => {
    const { device } = (await enroll('127.0.0.10', 'DEMO-ZJ-1')).body as EnrollResponse;
    await hub.admin(`/v1/admin/devices/${device.id}/revoke`, { method: 'POST' });
    for (let i = 0; i < 5; i++) expect((await send('127.0.0.10', 'GET', '/v1/sync/pull', { token: device.token })).code).toBe('device_revoked');
  });
});

describe('admin API', () => {
  it('after 3 wrong admin tokens from an address, even the right one is refused', async () => {
    for (let i = 0; i < 3; i++) expect((await send('127.0.0.11', 'GET', '/v1/admin/classrooms', { token: `wrong-admin-token-${i}-xxxxxxxx` })).code).toBe('unauthorized');
    expect(await send('127.0.0.11', 'GET', '/v1/admin/classrooms', { token: TEST_ADMIN_TOKEN })).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((await send('127.0.0.12', 'GET', '/v1/admin/classrooms', { token: TEST_ADMIN_TOKEN })).status).toBe(200);
    pass(LIMIT.windowMs);
  });
});

const workerReason = liveUnavailableReason();
describe.skipIf(workerReason !== null)(`live console login${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let sfu: LiveSfu;
  let live: TestHub;
  beforeAll(async () => {
    sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    live = await startTestHub(now, { limits: { consoleLoginPerAddress: LIMIT, consoleLoginPerLesson: { maxFailures: 5, windowMs: LIMIT.windowMs } }, live: { sfu } });
    await ensureDemoLiveLesson(live.db, now);
  });
  afterAll(async () => {
    await live?.close();
    sfu?.close();
  });

  async function join(from: string, token: string, lessonId = DEMO_LIVE_LESSON_ID) {
    const ws = new WebSocket(`${live.base.replace('http', 'ws')}${LIVE_WS_PATH}`, { localAddress: from });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const answer = new Promise<LiveServerMessage>((resolve) => ws.once('message', (raw: Buffer) => resolve(LiveServerMessage.parse(JSON.parse(raw.toString())))));
    ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id: 1, method: 'join', data: { lessonId, token, role: 'console' } }));
    const message = await answer;
    ws.close();
    return message.kind === 'response' ? (message.ok ? 'ok' : message.error.code) : 'notification';
  }

  it('per address: after 3 wrong console credentials the right one is refused too, until the window passes', async () => {
    for (let i = 0; i < 3; i++) expect(await join('127.0.0.20', `wrong-console-password-${i}`)).toBe('unauthorized');
    expect(await join('127.0.0.20', TEST_ADMIN_TOKEN)).toBe('rate_limited');
    expect(await join('127.0.0.21', TEST_ADMIN_TOKEN)).toBe('ok');
    live.setNow(new Date(now.getTime() + LIMIT.windowMs));
    expect(await join('127.0.0.20', TEST_ADMIN_TOKEN)).toBe('ok');
  });

  it('per lesson: wrong credentials from many addresses are refused once over, but never lock the lead teacher out', async () => {
    for (let i = 0; i < 5; i++) expect(await join(`127.0.1.${i + 1}`, `wrong-console-password-${i}`)).toBe('unauthorized');
    for (let i = 0; i < 15; i++) expect(await join(`127.0.2.${i + 1}`, `wrong-console-password-${i}`)).toBe('rate_limited');
    expect(await join('127.0.1.9', TEST_ADMIN_TOKEN)).toBe('ok');
  });
});
