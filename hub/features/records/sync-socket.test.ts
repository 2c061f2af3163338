// The sync socket on a real hub (real HTTP server, real SQLite): pipelined batches answered in order and applied
// exactly once, and every hostile or broken input refused by name on that socket only, with nothing changed.
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeHlc } from '../../../src/shared/hlc.ts';
import { PROTOCOL_VERSION, type Op } from '../../../src/shared/protocol.ts';
import { SYNC_SOCKET_MAX_FRAME_BYTES, SYNC_WS_PATH, SyncServerFrame } from '../../../src/shared/sync-socket-protocol.ts';
import { startTestHub, type TestHub } from '../../testing/test-hub.ts';

let hub: TestHub;
beforeAll(async () => (hub = await startTestHub(undefined, { syncSocket: { helloTimeoutMs: 300 } })));
afterAll(() => hub.close());

const LESSON = 'les-j7-0-0';
let n = 0;
const attendance = (seq: number, studentId = 'stu-zj-7-1-01'): Op => ({
  id: `sock-${process.pid}-${++n}`, seq, hlc: encodeHlc({ wallMs: 1_000 + n, counter: 0, node: 'dev_sock' }), type: 'attendance.set', lessonId: LESSON, studentId, status: 'late',
});

/** A socket with every frame the hub sent, parsed (a frame that does not parse fails the test), and how it closed. */
function connect(options: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(`${hub.base.replace('http', 'ws')}${SYNC_WS_PATH}`, options);
  const frames: SyncServerFrame[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    frames.push(SyncServerFrame.parse(JSON.parse((data as Buffer).toString('utf8'))));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  ws.on('error', () => undefined);
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    ws,
    frames,
    closed,
    opened,
    send: (frame: unknown) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    /** Waits until the hub has sent `count` frames in all. */
    async received(count: number) {
      while (frames.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return frames;
    },
  };
}

const appliedCount = async (deviceId: string) => (await hub.db.get<{ n: number }>(`SELECT count(*) AS n FROM applied_ops WHERE device_id = ?`, [deviceId]))?.n;
const hello = (token: string, protocol = PROTOCOL_VERSION) => ({ t: 'hello', protocol, token });

describe('sync socket', () => {
  it('takes batches back to back before it has answered any, answers each by number in order, applies each op once', async () => {
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const batches = [0, 1, 2].map((b) => Array.from({ length: 50 }, (_, i) => attendance(b * 50 + i + 1)));
    const s = connect();
    await s.opened;
    s.send(hello(device.token));
    for (const [i, ops] of batches.entries()) s.send({ t: 'push', n: i, ops });
    const frames = await s.received(4);
    expect(frames[0]).toMatchObject({ t: 'ready', protocol: PROTOCOL_VERSION, maxOps: 5000 });
    expect(frames.slice(1)).toEqual([
      { t: 'acks', n: 0, acknowledged: [[1, 50]], acks: [] },
      { t: 'acks', n: 1, acknowledged: [[51, 100]], acks: [] },
      { t: 'acks', n: 2, acknowledged: [[101, 150]], acks: [] },
    ]);
    expect(await appliedCount(device.id)).toBe(150);
    // The same batch again (its answer was lost): acknowledged as duplicates, applied nothing more.
    s.send({ t: 'push', n: 3, ops: batches[0] });
    expect((await s.received(5))[4]).toEqual({ t: 'acks', n: 3, acknowledged: [[1, 50]], acks: [] });
    expect(await appliedCount(device.id)).toBe(150);
    // Another class's student: that op refused by id with its reason, the batch's others applied.
    const refused = attendance(200, 'stu-zj-7-2-01');
    s.send({ t: 'push', n: 4, ops: [attendance(199), refused] });
    expect((await s.received(6))[5]).toEqual({ t: 'acks', n: 4, acknowledged: [[199, 199]], acks: [{ id: refused.id, status: 'rejected', reason: expect.stringContaining('roster') as string }] });
    s.ws.close();
  });

  it('a client that floods batches without reading any answer: each is answered, in order, none lost or applied twice', async () => {
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const s = connect();
    await s.opened;
    s.send(hello(device.token));
    for (let b = 0; b < 40; b++) s.send({ t: 'push', n: b, ops: Array.from({ length: 20 }, (_, i) => attendance(b * 20 + i + 1)) });
    const frames = await s.received(41);
    expect(frames.slice(1).map((f) => (f.t === 'acks' ? f.n : -1))).toEqual(Array.from({ length: 40 }, (_, b) => b));
    expect(await appliedCount(device.id)).toBe(800);
    s.ws.close();
  });

  it('counts each batch for the wire statistics: its ops and the bytes the socket read', async () => {
    const before = (await hub.admin('/v1/admin/stats')).body as { pushRequests: number; pushOps: number; pushBytes: number };
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const s = connect();
    await s.opened;
    s.send(hello(device.token));
    await s.received(1);
    s.send({ t: 'push', n: 0, ops: [attendance(1), attendance(2)] });
    await s.received(2);
    const after = (await hub.admin('/v1/admin/stats')).body as typeof before;
    expect(after.pushRequests - before.pushRequests).toBe(1);
    expect(after.pushOps - before.pushOps).toBe(2);
    expect(after.pushBytes - before.pushBytes).toBeGreaterThan(100);
    s.ws.close();
  });

  describe('refuses by name and changes nothing', () => {
    it('a push before hello: unauthorized, socket closed', async () => {
      const { device } = await hub.enroll('DEMO-ZJ-1');
      const s = connect();
      await s.opened;
      s.send({ t: 'push', n: 7, ops: [attendance(1)] });
      expect((await s.received(1))[0]).toMatchObject({ t: 'error', n: 7, error: { code: 'unauthorized' } });
      expect((await s.closed).code).toBe(1008);
      expect(await appliedCount(device.id)).toBe(0);
    });

    it.each([
      ['an unknown token', 'x'.repeat(40), 'unauthorized'],
      ['no token at all', '', 'unauthorized'],
    ])('hello with %s: %s, socket closed, the batch sent behind it not applied', async (_what, token, code) => {
      const s = connect();
      await s.opened;
      s.send(hello(token));
      s.send({ t: 'push', n: 0, ops: [attendance(1)] });
      expect((await s.received(1))[0]).toMatchObject({ t: 'error', n: null, error: { code } });
      expect((await s.closed).code).toBe(1008);
      expect(await hub.db.get<{ n: number }>(`SELECT count(*) AS n FROM applied_ops WHERE op_id = ?`, [`sock-${process.pid}-${n}`])).toEqual({ n: 0 });
    });

    it('a device revoked mid-drain: its next batch is refused, the socket closed', async () => {
      const { device } = await hub.enroll('DEMO-ZJ-1');
      const s = connect();
      await s.opened;
      s.send(hello(device.token));
      s.send({ t: 'push', n: 0, ops: [attendance(1)] });
      await s.received(2);
      expect((await hub.admin(`/v1/admin/devices/${device.id}/revoke`, { method: 'POST' })).status).toBe(200);
      s.send({ t: 'push', n: 1, ops: [attendance(2)] });
      expect((await s.received(3))[2]).toMatchObject({ t: 'error', n: 1, error: { code: 'device_revoked' } });
      expect((await s.closed).code).toBe(1008);
      expect(await appliedCount(device.id)).toBe(1);
    });

    it.each([
      [PROTOCOL_VERSION - 1, 'client_too_old'],
      [PROTOCOL_VERSION + 1, 'hub_too_old'],
    ])('hello in protocol %i: %s', async (protocol, code) => {
      const { device } = await hub.enroll('DEMO-ZJ-1');
      const s = connect();
      await s.opened;
      s.send(hello(device.token, protocol));
      expect((await s.received(1))[0]).toMatchObject({ t: 'error', n: null, error: { code } });
      expect((await s.closed).code).toBe(1008);
    });

    it('malformed frames: each answered bad_request on this socket, which then still takes a good batch; too many close it', async () => {
      const { device } = await hub.enroll('DEMO-ZJ-1');
      const s = connect();
      await s.opened;
      s.send(hello(device.token));
      await s.received(1);
      const bad: unknown[] = [
        'not json',
        { t: 'push', n: 1 }, // no ops
        { t: 'push', n: 2, ops: [] }, // empty batch
        { t: 'push', n: -1, ops: [attendance(1)] },
        { t: 'push', n: 3, ops: Array.from({ length: 5001 }, () => ({})) }, // more than a push takes
        { t: 'shout', n: 4 },
        hello(device.token), // hello twice
        null,
      ];
      for (const frame of bad) s.send(frame);
      s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      const frames = await s.received(1 + bad.length + 1);
      expect(frames.slice(1).map((f) => (f.t === 'error' ? f.error.code : f.t))).toEqual(Array(bad.length + 1).fill('bad_request'));
      expect(frames.slice(1).map((f) => (f.t === 'error' ? f.n : 'x'))).toEqual([null, 1, 2, null, 3, 4, null, null, null]);
      expect(await appliedCount(device.id)).toBe(0);
      s.send({ t: 'push', n: 9, ops: [attendance(1)] });
      expect((await s.received(bad.length + 3)).at(-1)).toMatchObject({ t: 'acks', n: 9 });
      for (let i = 0; i < 20; i++) s.send('{');
      expect(await s.closed).toEqual({ code: 1008, reason: 'too many malformed frames' });
      expect(await appliedCount(device.id)).toBe(1);
      expect((await hub.call('/v1/health')).status).toBe(200);
    });

    it('a frame past the limit, or one that inflates past it (a deflate bomb): the socket is closed 1009, the hub serves on', async () => {
      const { device } = await hub.enroll('DEMO-ZJ-1');
      const big = connect({ perMessageDeflate: false });
      await big.opened;
      big.send(hello(device.token));
      await big.received(1);
      big.send(JSON.stringify({ t: 'push', n: 0, ops: [{ pad: 'x'.repeat(SYNC_SOCKET_MAX_FRAME_BYTES) }] }));
      expect((await big.closed).code).toBe(1009);

      const bomb = connect({ perMessageDeflate: true });
      await bomb.opened;
      bomb.send(hello(device.token));
      await bomb.received(1);
      // 64 MB of spaces compress to ~64 KB; the hub stops inflating at its limit.
      const spaces = ' '.repeat(64 * 1024 * 1024);
      expect(deflateRawSync(spaces).length).toBeLessThan(128 * 1024);
      bomb.send(`{"t":"push","n":0,"ops":[{}]${spaces}}`);
      expect((await bomb.closed).code).toBe(1009);
      expect(await appliedCount(device.id)).toBe(0);
      expect((await hub.call('/v1/health')).status).toBe(200);
    });

    it('a socket that never says hello is closed', async () => {
      const s = connect();
      await s.opened;
      expect(await s.closed).toEqual({ code: 1008, reason: 'no hello' });
    });

    it('an upgrade on any other path is refused with the error shape', async () => {
      const s = connect();
      s.ws.terminate();
      const other = new WebSocket(`${hub.base.replace('http', 'ws')}/v1/sync/push`);
      other.on('error', () => undefined);
      const status = await new Promise<number>((resolve) => other.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      expect(status).toBe(404);
    });
  });
});

describe('sync socket idle', () => {
  it('closes a socket that reads nothing for the idle time, not one whose batch is still arriving', async () => {
    const idleHub = await startTestHub(undefined, { syncSocket: { idleMs: 300 } });
    try {
      const { device } = await idleHub.enroll('DEMO-ZJ-1');
      const ws = new WebSocket(`${idleHub.base.replace('http', 'ws')}${SYNC_WS_PATH}`, { perMessageDeflate: false });
      let open = true;
      const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => ((open = false), resolve({ code, reason: String(reason) }))));
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify(hello(device.token)));
      await new Promise((resolve) => ws.once('message', resolve));
      // One batch dribbled in over ~1 s (three idle periods), a fragment every 100 ms: the socket stays open.
      const body = JSON.stringify({ t: 'push', n: 0, ops: [attendance(1)] });
      const parts = body.match(/.{1,20}/g) ?? [];
      const answered = new Promise((resolve) => ws.once('message', resolve));
      for (const [i, part] of parts.entries()) {
        ws.send(part, { fin: i === parts.length - 1 });
        await new Promise((resolve) => setTimeout(resolve, 1_000 / parts.length));
      }
      await answered;
      expect(open).toBe(true);
      expect(await closed).toEqual({ code: 1000, reason: 'idle' });
    } finally {
      await idleHub.close();
    }
  });
});
