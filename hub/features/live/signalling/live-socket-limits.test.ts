// Live sockets on the county hub and the school edge follow the sync socket's rule (hello/join within the deadline,
// one shared timer: socket-keepalive.ts), and one device holds at most a few live sockets and return cameras (refused
// by name; what it already holds keeps working). Real hub over HTTP with SQLite; a real mediasoup worker for the caps.
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
import { deviceLiveLimits, MAX_LIVE_SOCKETS_PER_DEVICE, MAX_RETURN_CAMERAS_PER_DEVICE } from './device-live-limits.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';

type Response = Extract<LiveServerMessage, { kind: 'response' }>;

async function openSocket(base: string) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}${LIVE_WS_PATH}`);
  const messages: LiveServerMessage[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (raw: Buffer) => {
    messages.push(LiveServerMessage.parse(JSON.parse(raw.toString())));
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let nextId = 1;
  return {
    ws,
    closed,
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

describe('a live socket that never joins', () => {
  it('is closed at the join deadline on the county hub, also after a refused join', async () => {
    const hub = await startTestHub(undefined, { live: { sfu: null, unavailable: 'no worker in this test', socket: { deadline: { helloMs: 300 } } } });
    try {
      const silent = await openSocket(hub.base);
      const refused = await openSocket(hub.base);
      expect(await refused.call('join', { lessonId: 'les-x', token: 'x'.repeat(40) })).toMatchObject({ ok: false });
      expect(await silent.closed).toEqual({ code: 1008, reason: 'no join' });
      expect(await refused.closed).toEqual({ code: 1008, reason: 'no join' });
    } finally {
      await hub.close();
    }
  });

  it('is closed at the join deadline on a school edge', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const db = openDatabase(':memory:');
    const authoriser = { authorise: () => Promise.reject(new HubError('unauthorized', 'unknown device token')) } as unknown as DeviceAuthoriser;
    const edge = attachEdgeLiveSignalling(server, { live: {} as EdgeLive, authoriser, upstream: base, db, now: () => new Date(), deadline: { helloMs: 300 } });
    try {
      const silent = await openSocket(base);
      const refused = await openSocket(base);
      expect(await refused.call('join', { lessonId: 'les-x', token: 'x'.repeat(40) })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect(await silent.closed).toEqual({ code: 1008, reason: 'no join' });
      expect(await refused.closed).toEqual({ code: 1008, reason: 'no join' });
    } finally {
      await edge.close();
      server.close();
      await db.close();
    }
  });
});

describe('per-device caps', () => {
  it('counts claims per device and gives each back once', () => {
    const limits = deviceLiveLimits();
    const claims = Array.from({ length: MAX_LIVE_SOCKETS_PER_DEVICE }, () => limits.claimSocket('dev_a'));
    expect(() => limits.claimSocket('dev_a')).toThrow(expect.objectContaining({ code: 'live_socket_limit' }));
    expect(limits.held('dev_a').sockets).toBe(MAX_LIVE_SOCKETS_PER_DEVICE);
    limits.claimSocket('dev_b')(); // another device is not affected
    claims[0]?.();
    claims[0]?.(); // twice is once
    expect(limits.held('dev_a').sockets).toBe(MAX_LIVE_SOCKETS_PER_DEVICE - 1);
    limits.claimSocket('dev_a');
    expect(() => limits.claimSocket('dev_a')).toThrow(expect.objectContaining({ code: 'live_socket_limit' }));
  });
});

const workerReason = liveUnavailableReason();
const ADMIN = 'admin-secret-for-live-tests-0123456789';
/** A VP8 camera as a browser would describe it (the hub needs no media for a producer to exist). */
const camera = (ssrc: number) => ({ codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc }] });

describe.skipIf(workerReason !== null)(`per-device caps on a real SFU${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let db: SqliteDb;
  let app: FastifyInstance;
  let sfu: LiveSfu;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-live-caps-'));
    db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date());
    await ensureDemoLiveLesson(db, new Date());
    sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, live: { sfu } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    sfu?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function deviceToken(code: string) {
    const res = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'pc' }) });
    return EnrollResponse.parse(await res.json()).device.token;
  }
  const joinLesson = async (token: string) => {
    const socket = await openSocket(base);
    return { socket, answer: await socket.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token }) };
  };

  it(`refuses a device's live socket past ${MAX_LIVE_SOCKETS_PER_DEVICE} by name; its open ones keep working; a closed one frees its place`, async () => {
    const token = await deviceToken('DEMO-ZJ-1');
    const held = [];
    for (let i = 0; i < MAX_LIVE_SOCKETS_PER_DEVICE; i++) {
      const joined = await joinLesson(token);
      expect(joined.answer).toMatchObject({ ok: true });
      held.push(joined.socket);
    }
    const extra = await joinLesson(token);
    expect(extra.answer).toMatchObject({ ok: false, error: { code: 'live_socket_limit' } });
    // Another classroom's device is not counted against this one.
    expect((await joinLesson(await deviceToken('DEMO-ZJ-2'))).answer).toMatchObject({ ok: true });
    for (const s of held) expect(await s.call('createRecvTransport', {})).toMatchObject({ ok: true });
    const first = held[0];
    if (!first) throw new Error('no socket');
    first.ws.close();
    await first.closed;
    // The hub noticed the close before answering the next join (same event loop order is not assumed: retry on the limit).
    let again = await extra.socket.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token });
    for (let i = 0; i < 50 && !again.ok; i++) again = await extra.socket.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token });
    expect(again).toMatchObject({ ok: true });
    for (const s of [...held, extra.socket]) s.ws.close();
  });

  it(`refuses a device's return camera past ${MAX_RETURN_CAMERAS_PER_DEVICE} by name; its cameras stay; a new camera of the same socket replaces its own`, async () => {
    const token = await deviceToken('DEMO-ZJ-1');
    const sockets = [];
    const producers: string[] = [];
    for (let i = 0; i < MAX_RETURN_CAMERAS_PER_DEVICE + 1; i++) {
      const { socket, answer } = await joinLesson(token);
      expect(answer).toMatchObject({ ok: true });
      const transport = await socket.call('createSendTransport', {});
      const transportId = transport.ok ? (transport.data as { id: string }).id : '';
      const produced = await socket.call('produce', { transportId, kind: 'video', rtpParameters: camera(5000 + i) });
      if (i < MAX_RETURN_CAMERAS_PER_DEVICE) {
        expect(produced).toMatchObject({ ok: true });
        producers.push(produced.ok ? (produced.data as { producerId: string }).producerId : '');
        // The same socket producing again replaces its camera: still one share.
        if (i === 0) {
          const again = await socket.call('produce', { transportId, kind: 'video', rtpParameters: camera(6000) });
          expect(again).toMatchObject({ ok: true });
          producers[0] = again.ok ? (again.data as { producerId: string }).producerId : '';
        }
      } else expect(produced).toMatchObject({ ok: false, error: { code: 'return_camera_limit' } });
      sockets.push(socket);
    }
    const room = await sfu.room(DEMO_LIVE_LESSON_ID);
    const inRoom = [...room.returnVideos.values()].map((v) => v.producer.id);
    expect(inRoom).toHaveLength(MAX_RETURN_CAMERAS_PER_DEVICE);
    const first = sockets[0];
    if (!first) throw new Error('no socket');
    first.ws.close();
    await first.closed;
    const last = sockets.at(-1);
    if (!last) throw new Error('no socket');
    const transport = await last.call('createSendTransport', {});
    const transportId = transport.ok ? (transport.data as { id: string }).id : '';
    let produced = await last.call('produce', { transportId, kind: 'video', rtpParameters: camera(7000) });
    for (let i = 0; i < 50 && !produced.ok; i++) produced = await last.call('produce', { transportId, kind: 'video', rtpParameters: camera(7001 + i) });
    expect(produced).toMatchObject({ ok: true });
    for (const s of sockets) s.ws.close();
  });
});
