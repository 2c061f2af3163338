// A live socket opened before any lesson (the app's preconnect) says `hello` with its device token, as on the sync
// socket: it then outlives the join deadline, counted against the device's live sockets; a bad token is refused by name
// (through the one failure limiter) and the socket closed; a later join is authorised as on any socket, and only as
// the same device. County hub (real hub over HTTP with SQLite; the SFU part with a real mediasoup worker) and edge.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LIVE_PROTOCOL_VERSION, LIVE_WS_PATH, LiveServerMessage, type LiveMethod } from '../../../../src/shared/live-protocol.ts';
import { EnrollResponse } from '../../../../src/shared/protocol.ts';
import { openDatabase } from '../../../core/db/open-database.ts';
import type { SqliteDb } from '../../../core/db/sqlite-db.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import type { DeviceAuthoriser } from '../../edge/school/device-authoriser.ts';
import type { EdgeLive } from '../../edge/school/edge-live.ts';
import { attachEdgeLiveSignalling } from '../../edge/school/edge-live-socket.ts';
import { createHub } from '../../../county/create-hub.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { startTestHub } from '../../../testing/test-hub.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson } from '../broadcast/demo-live.ts';
import { deviceLiveLimits } from './device-live-limits.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';

type Response = Extract<LiveServerMessage, { kind: 'response' }>;
const DEADLINE_MS = 300;

async function openSocket(base: string) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}${LIVE_WS_PATH}`);
  const messages: LiveServerMessage[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (raw: Buffer) => {
    messages.push(LiveServerMessage.parse(JSON.parse(raw.toString())));
    waiters.splice(0).forEach((w) => w());
  });
  let closedWith: { code: number; reason: string } | null = null;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      closedWith = { code, reason: String(reason) };
      resolve(closedWith);
    }),
  );
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let nextId = 1;
  return {
    ws,
    closed,
    isClosed: () => closedWith !== null,
    async call(method: LiveMethod, data: unknown): Promise<Response> {
      const id = nextId++;
      ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id, method, data }));
      for (;;) {
        const found = messages.find((m): m is Response => m.kind === 'response' && m.id === id);
        if (found) return found;
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  };
}

describe('hello on the county hub', () => {
  it('keeps a hello’d socket past the join deadline, counted against the device; closes a silent one and a bad token’s', async () => {
    const limits = deviceLiveLimits({ sockets: 2, cameras: 2 });
    const hub = await startTestHub(undefined, { live: { sfu: null, unavailable: 'no worker in this test', socket: { deadline: { helloMs: DEADLINE_MS }, limits } } });
    try {
      const { device } = await hub.enroll('DEMO-ZJ-1');
      const greeted = await openSocket(hub.base);
      expect(await greeted.call('hello', { token: device.token })).toMatchObject({ ok: true, data: {} });
      expect(limits.held(device.id).sockets).toBe(1);
      const silent = await openSocket(hub.base);
      const bad = await openSocket(hub.base);
      expect(await bad.call('hello', { token: 'x'.repeat(40) })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect(await bad.closed).toEqual({ code: 1008, reason: 'unauthorized' });
      // The silent socket, opened after the hello'd one, reached its deadline: the hello'd one's passed too.
      expect(await silent.closed).toEqual({ code: 1008, reason: 'no join' });
      expect(greeted.isClosed()).toBe(false);
      // Still served: a request before join is refused by name as on any unjoined socket, the socket stays.
      expect(await greeted.call('raiseHand', { raised: true })).toMatchObject({ ok: false, error: { code: 'not_joined' } });
      expect(await greeted.call('hello', { token: device.token })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      // The second socket fits the device's cap of two; the third is refused by name and closed.
      const second = await openSocket(hub.base);
      expect(await second.call('hello', { token: device.token })).toMatchObject({ ok: true });
      const third = await openSocket(hub.base);
      expect(await third.call('hello', { token: device.token })).toMatchObject({ ok: false, error: { code: 'live_socket_limit' } });
      expect(await third.closed).toEqual({ code: 1008, reason: 'live_socket_limit' });
      expect(limits.held(device.id).sockets).toBe(2);
      // A closed hello'd socket gives its share back.
      second.ws.close();
      await second.closed;
      await expect.poll(() => limits.held(device.id).sockets).toBe(1);
      greeted.ws.close();
      await expect.poll(() => limits.held(device.id).sockets).toBe(0);
    } finally {
      await hub.close();
    }
  });

  it('checks every hello token through the one failure limiter', async () => {
    const hub = await startTestHub(undefined, { live: { sfu: null }, limits: { deviceAuthPerAddress: { maxFailures: 2, windowMs: 60_000 } } });
    try {
      const { device } = await hub.enroll('DEMO-ZJ-1');
      for (let i = 0; i < 2; i++) expect(await (await openSocket(hub.base)).call('hello', { token: 'y'.repeat(40) })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      const limited = await openSocket(hub.base);
      expect(await limited.call('hello', { token: device.token })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      expect(await limited.closed).toEqual({ code: 1008, reason: 'rate_limited' });
    } finally {
      await hub.close();
    }
  });
});

describe('hello on a school edge', () => {
  it('keeps a hello’d socket past the deadline; refuses a bad token and another device’s join on it by name', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const db = openDatabase(':memory:');
    const devices: Record<string, { deviceId: string; classroomId: string }> = { ['a'.repeat(40)]: { deviceId: 'dev_a', classroomId: 'cls_a' }, ['b'.repeat(40)]: { deviceId: 'dev_b', classroomId: 'cls_b' } };
    const authoriser = {
      authorise: (token: string) => {
        const device = devices[token];
        return device ? Promise.resolve(device) : Promise.reject(new HubError('unauthorized', 'unknown device token'));
      },
    } as unknown as DeviceAuthoriser;
    const limits = deviceLiveLimits();
    const refused: string[] = [];
    const edge = attachEdgeLiveSignalling(server, { live: {} as EdgeLive, authoriser, upstream: base, db, now: () => new Date(), deadline: { helloMs: DEADLINE_MS }, limits, onRefused: (code) => refused.push(code) });
    try {
      const greeted = await openSocket(base);
      expect(await greeted.call('hello', { token: 'a'.repeat(40) })).toMatchObject({ ok: true });
      expect(limits.held('dev_a').sockets).toBe(1);
      const silent = await openSocket(base);
      const bad = await openSocket(base);
      expect(await bad.call('hello', { token: 'x'.repeat(40) })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect(await bad.closed).toEqual({ code: 1008, reason: 'unauthorized' });
      expect(refused).toEqual(['unauthorized']);
      expect(await silent.closed).toEqual({ code: 1008, reason: 'no join' });
      expect(greeted.isClosed()).toBe(false);
      // Another device's join on the socket said hello as dev_a: refused, and dev_b is not counted.
      const other = await greeted.call('join', { lessonId: 'les-x', token: 'b'.repeat(40) });
      expect(other).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(other.ok ? '' : other.error.message).toContain('another device');
      expect(limits.held('dev_b').sockets).toBe(0);
      expect(limits.held('dev_a').sockets).toBe(1);
      expect(greeted.isClosed()).toBe(false);
    } finally {
      await edge.close();
      server.close();
      await db.close();
    }
  });
});

const workerReason = liveUnavailableReason();

describe.skipIf(workerReason !== null)(`a join on a hello’d socket on a real SFU${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let db: SqliteDb;
  let app: FastifyInstance;
  let sfu: LiveSfu;
  let base: string;
  const limits = deviceLiveLimits();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-live-hello-'));
    db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date());
    await ensureDemoLiveLesson(db, new Date());
    sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    app = await createHub({ db, hubName: '测试中心', adminToken: 'admin-secret-for-live-tests-0123456789', live: { sfu, socket: { limits } } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    sfu?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function enroll(code: string) {
    const res = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'pc' }) });
    return EnrollResponse.parse(await res.json()).device;
  }

  it('refuses another device’s join (the hello widens nothing) and takes the same device’s on its one share', async () => {
    const a = await enroll('DEMO-ZJ-1');
    const b = await enroll('DEMO-ZJ-2');
    const socket = await openSocket(base);
    expect(await socket.call('hello', { token: a.token })).toMatchObject({ ok: true });
    const other = await socket.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: b.token });
    expect(other).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // Not the timetable's forbidden (the demo lesson is on DEMO-ZJ-2's timetable too): the hello's device rule.
    expect(other.ok ? '' : other.error.message).toContain('another device');
    expect(limits.held(b.id).sockets).toBe(0);
    // A bad token on the hello'd socket is checked as on any socket.
    expect(await socket.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: 'z'.repeat(40) })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(await socket.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: a.token })).toMatchObject({ ok: true });
    expect(limits.held(a.id).sockets).toBe(1);
    expect(await socket.call('createRecvTransport', {})).toMatchObject({ ok: true });
    socket.ws.close();
    await socket.closed;
    await expect.poll(() => limits.held(a.id).sockets).toBe(0);
  });
});
