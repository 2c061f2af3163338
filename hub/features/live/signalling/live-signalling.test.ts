// Live signalling against the real hub (real SQLite, real HTTP/WebSocket) and a real mediasoup worker: who may join,
// bad frames answered without harm to other sockets, and the headless broadcaster's simulcast reaching the SFU.
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
import { createHub } from '../../../county/create-hub.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson, startDemoBroadcast, type DemoBroadcast } from '../broadcast/demo-live.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../sfu/live-sfu.ts';

const ADMIN = 'admin-secret-for-live-tests-0123456789';
const workerReason = liveUnavailableReason();

describe.skipIf(workerReason !== null)(`live signalling with a real SFU${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let dir: string;
  let db: SqliteDb;
  let app: FastifyInstance;
  let sfu: LiveSfu;
  let base: string;
  let broadcast: DemoBroadcast;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-live-'));
    db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date());
    await ensureDemoLiveLesson(db, new Date());
    sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
    app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, live: { sfu } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    broadcast = await startDemoBroadcast(sfu);
  });
  afterAll(async () => {
    await broadcast?.stop();
    await app?.close();
    sfu?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function deviceToken(code: string) {
    const res = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'pc' }) });
    return EnrollResponse.parse(await res.json()).device.token;
  }

  async function openSocket() {
    const ws = new WebSocket(`${base.replace('http', 'ws')}${LIVE_WS_PATH}`);
    const messages: LiveServerMessage[] = [];
    const waiters: (() => void)[] = [];
    ws.on('message', (raw: Buffer) => {
      messages.push(LiveServerMessage.parse(JSON.parse(raw.toString())));
      waiters.splice(0).forEach((w) => w());
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let nextId = 1;
    const next = async (pred: (m: LiveServerMessage) => boolean) => {
      for (;;) {
        const found = messages.find(pred);
        if (found) return found;
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    return {
      ws,
      messages,
      next,
      sendRaw: (text: string) => ws.send(text),
      async call(method: LiveMethod, data: unknown) {
        const id = nextId++;
        ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id, method, data }));
        return next((m) => m.kind === 'response' && m.id === id);
      },
    };
  }

  it('lets a device join a live lesson on its classroom’s timetable, and refuses another classroom’s device', async () => {
    const ok = await openSocket();
    const joined = await ok.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: await deviceToken('DEMO-ZJ-1') });
    expect(joined).toMatchObject({ ok: true, data: { onAir: true, lessonTitle: '直播：有理数的乘法' } });

    const other = await openSocket();
    const refused = await other.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: await deviceToken('DEMO-LT-1') });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const stranger = await other.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: 'x'.repeat(40) });
    expect(stranger).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const notJoined = await other.call('createRecvTransport', {});
    expect(notJoined).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    ok.ws.close();
    other.ws.close();
  });

  it('answers malformed frames with an error and keeps the socket and other viewers working', async () => {
    const viewer = await openSocket();
    await viewer.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: await deviceToken('DEMO-ZJ-2') });
    const attacker = await openSocket();
    await attacker.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: await deviceToken('DEMO-ZJ-1') });
    attacker.sendRaw('{not json');
    attacker.sendRaw(JSON.stringify({ v: 99, id: 7, method: 'join', data: {} }));
    attacker.sendRaw(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id: 8, method: 'dropTables', data: {} }));
    const badDtls = await attacker.call('connectTransport', { transportId: 'nope', dtlsParameters: { fingerprints: 'x' } });
    const unknownTransport = await attacker.call('connectTransport', { transportId: 'nope', dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] } });
    expect(badDtls).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(unknownTransport).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const errors = attacker.messages.filter((m) => m.kind === 'response' && !m.ok);
    expect(errors.map((m) => (m.kind === 'response' ? m.id : 'x'))).toEqual(expect.arrayContaining([null, 7, 8]));

    // Both sockets still work: the viewer gets a transport, the attacker too.
    expect(await viewer.call('createRecvTransport', {})).toMatchObject({ ok: true });
    expect(await attacker.call('createRecvTransport', { forceTcp: true })).toMatchObject({ ok: true });
    viewer.ws.close();
    attacker.ws.close();
  });

  it('compresses frames for a client that offers it, and closes a socket whose compressed frame inflates past the limit', async () => {
    const viewer = await openSocket();
    expect(viewer.ws.extensions).toContain('permessage-deflate');
    expect(await viewer.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: await deviceToken('DEMO-ZJ-2') })).toMatchObject({ ok: true });
    const bomber = await openSocket();
    await bomber.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: await deviceToken('DEMO-ZJ-1') });
    // ~100 bytes on the wire, 200 KB once inflated: refused by size (1009), whatever it says.
    const closed = new Promise<number>((resolve) => bomber.ws.once('close', (code) => resolve(code)));
    bomber.sendRaw(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id: 9, method: 'question', data: { text: ' '.repeat(200_000) } }));
    expect(await closed).toBe(1009);
    expect(bomber.messages.some((m) => m.kind === 'response' && m.id === 9)).toBe(false);
    // The hub and the other viewer go on.
    expect(await viewer.call('createRecvTransport', {})).toMatchObject({ ok: true });
    viewer.ws.close();
  });

  it('receives all three simulcast layers and the audio from the ffmpeg broadcaster', async () => {
    const room = await sfu.room(DEMO_LIVE_LESSON_ID);
    let layers = 0;
    for (let i = 0; i < 100 && layers < 4; i++) {
      const stats = (await Promise.all(room.producers().map((p) => p.getStats()))).flat();
      layers = stats.filter((s) => s.byteCount > 0).length;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(layers).toBe(4); // 3 video SSRCs + 1 audio
  });

  it('tells consoles about raised hands and questions', async () => {
    const console = await openSocket();
    expect(await console.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: ADMIN, role: 'console' })).toMatchObject({ ok: true });
    const viewer = await openSocket();
    await viewer.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: await deviceToken('DEMO-ZJ-2') });
    await viewer.call('raiseHand', { raised: true });
    await viewer.call('question', { text: '老师，负负为什么得正？' });
    const hand = await console.next((m) => m.kind === 'notification' && m.notification.type === 'hand');
    const question = await console.next((m) => m.kind === 'notification' && m.notification.type === 'question');
    expect(hand).toMatchObject({ notification: { hand: { raised: true, classroomName: '凉山州昭觉县民族中学 七年级(2)班' } } });
    expect(question).toMatchObject({ notification: { question: { text: '老师，负负为什么得正？' } } });
    console.ws.close();
    viewer.ws.close();
  });

  it('keeps a classroom to its own return camera: no audio, no other classrooms’ cameras, no broadcast', async () => {
    const viewer = await openSocket();
    await viewer.call('join', { lessonId: DEMO_LIVE_LESSON_ID, token: await deviceToken('DEMO-ZJ-1') });
    const send = await viewer.call('createSendTransport', {});
    const transportId = send.kind === 'response' && send.ok ? (send.data as { id: string }).id : '';
    expect(transportId).not.toBe('');
    const audio = await viewer.call('produce', { transportId, kind: 'audio', rtpParameters: { codecs: [] } });
    expect(audio).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const peek = await viewer.call('consumeReturn', { transportId, producerId: 'someone', rtpCapabilities: {} });
    expect(peek).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    viewer.ws.close();
  });
});
