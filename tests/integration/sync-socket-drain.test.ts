// The renderer's outbox drain against the real hub over real sockets (Dexie on fake-indexeddb, Node's WebSocket): a long
// outbox goes over the sync socket and arrives exactly once, a short one goes as one HTTP push, a hub whose socket does
// not open is pushed to over HTTP, and every failure of the socket (refusal, a hub that vanishes mid-drain, a frame
// that does not parse, a hub that stops answering) leaves every unanswered op in the outbox with a named reason.
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as HubSocket } from 'ws';
import { startTestHub, type TestHub } from '../../hub/testing/test-hub.ts';
import { openAppDb, type AppDb } from '../../src/renderer/db/app-db.ts';
import { createRecords } from '../../src/renderer/db/records-repo.ts';
import { createOutboxDrain, SOCKET_MIN_OPS, SOCKET_RETRY_MS } from '../../src/renderer/sync/drain-outbox.ts';
import { createHubClient, type HubClient, type HubRequestError } from '../../src/renderer/sync/hub-client.ts';
import { PROTOCOL_VERSION } from '../../src/shared/protocol.ts';

const LESSON = 'les-j7-0-0';
const STUDENTS = ['stu-zj-7-1-01', 'stu-zj-7-1-02', 'stu-zj-7-1-03'];
const STATUSES = ['present', 'absent', 'late', 'leave'] as const;
let hub: TestHub;
const dbs: AppDb[] = [];
const servers: { close(): unknown }[] = [];

beforeAll(async () => (hub = await startTestHub()));
afterAll(() => hub.close());
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
  for (const s of servers.splice(0)) await s.close();
});

/** A classroom with `count` attendance marks queued (the Electron bridge is not involved: the outbox is Dexie). */
async function classroom(count: number) {
  const { device } = await hub.enroll('DEMO-ZJ-1');
  const db = openAppDb(`drain-${crypto.randomUUID()}`);
  dbs.push(db);
  const records = createRecords({ db, deviceId: device.id, now: () => new Date('2026-11-25T02:00:00Z') });
  for (let i = 0; i < count; i++) await records.setAttendance(LESSON, STUDENTS[i % 3] as string, STATUSES[i % 4] as (typeof STATUSES)[number]);
  return { device, db };
}
const pendingCount = (db: AppDb) => db.outbox.where('status').equals('pending').count();
const applied = async (deviceId: string) => (await hub.db.get<{ n: number }>(`SELECT count(*) AS n FROM applied_ops WHERE device_id = ?`, [deviceId]))?.n;
const stats = async () => (await hub.admin('/v1/admin/stats')).body as { pushRequests: number; pushOps: number };

function drainWith(db: AppDb, client: HubClient, clock = { ms: Date.parse('2026-11-25T02:00:00Z') }) {
  const logged: string[] = [];
  const drain = createOutboxDrain({ db, client, now: () => new Date(clock.ms), log: (level, message) => logged.push(`${level}: ${message}`) });
  return { drain: () => drain({ now: () => new Date(clock.ms) }), logged, clock };
}

/** A scripted hub for the socket only: it answers hello, then does what the test says with each push frame. */
async function scriptedSocketHub(onPush: (ws: HubSocket, n: number, count: number) => void) {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  let pushes = 0;
  wss.on('connection', (ws) =>
    ws.on('message', (data) => {
      const frame = JSON.parse((data as Buffer).toString('utf8')) as { t: string; n: number };
      if (frame.t === 'hello') ws.send(JSON.stringify({ t: 'ready', protocol: PROTOCOL_VERSION, maxOps: 5000, hubTime: Date.now() }));
      else onPush(ws, frame.n, ++pushes);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  servers.push({ close: () => new Promise((resolve) => { wss.close(); server.closeAllConnections(); server.close(resolve); }) });
  return `http://127.0.0.1:${address.port}`;
}

describe('outbox drain', () => {
  it('a long outbox goes over the sync socket in a few batches, applied exactly once, the outbox empty', async () => {
    const { device, db } = await classroom(SOCKET_MIN_OPS + 700);
    const before = await stats();
    const { drain } = drainWith(db, createHubClient({ baseUrl: hub.base, token: device.token }));
    expect(await drain()).toEqual({ sent: SOCKET_MIN_OPS + 700, retrying: 0, failed: 0, via: 'socket' });
    expect(await pendingCount(db)).toBe(0);
    expect(await applied(device.id)).toBe(SOCKET_MIN_OPS + 700);
    const after = await stats();
    expect(after.pushOps - before.pushOps).toBe(SOCKET_MIN_OPS + 700);
    expect(after.pushRequests - before.pushRequests).toBe(2); // 500, then the rest
  });

  it('a short outbox goes as one HTTP push', async () => {
    const { device, db } = await classroom(3);
    const { drain } = drainWith(db, createHubClient({ baseUrl: hub.base, token: device.token }));
    expect(await drain()).toEqual({ sent: 3, retrying: 0, failed: 0, via: 'http' });
    expect(await applied(device.id)).toBe(3);
  });

  it('a socket that does not open while HTTP works: pushed over HTTP, and HTTP only for a while', async () => {
    const { device, db } = await classroom(SOCKET_MIN_OPS + 10);
    let sockets = 0;
    const nowhere = `${hub.base.replace('http', 'ws')}/v1/no-socket-here`; // as a hub without the socket: 404
    const client = createHubClient({ baseUrl: hub.base, token: device.token, createWebSocket: () => (sockets++, new WebSocket(nowhere)) });
    const { drain, logged, clock } = drainWith(db, client);
    expect(await drain()).toMatchObject({ sent: SOCKET_MIN_OPS + 10, via: 'http' });
    expect(sockets).toBe(1);
    expect(logged).toEqual([expect.stringContaining('sync socket did not open') as string]);
    expect(await applied(device.id)).toBe(SOCKET_MIN_OPS + 10);
    // More marks within the next minutes: straight to HTTP. After them: the socket is tried again.
    const records = createRecords({ db, deviceId: device.id, now: () => new Date('2026-11-25T03:00:00Z') });
    const more = async () => { for (let i = 0; i < SOCKET_MIN_OPS; i++) await records.setAttendance(LESSON, STUDENTS[i % 3] as string, STATUSES[i % 4] as (typeof STATUSES)[number]); };
    await more();
    expect(await drain()).toMatchObject({ via: 'http' });
    expect(sockets).toBe(1);
    clock.ms += SOCKET_RETRY_MS;
    await more();
    expect(await drain()).toMatchObject({ via: 'http' });
    expect(sockets).toBe(2);
  });

  it('a revoked device: refused once by name over the socket, no HTTP attempt, every op still queued', async () => {
    const { device, db } = await classroom(SOCKET_MIN_OPS);
    expect((await hub.admin(`/v1/admin/devices/${device.id}/revoke`, { method: 'POST' })).status).toBe(200);
    const refusals: HubRequestError[] = [];
    const before = await stats();
    const { drain } = drainWith(db, createHubClient({ baseUrl: hub.base, token: device.token, onRefused: (e) => refusals.push(e) }));
    await expect(drain()).rejects.toMatchObject({ reason: 'device_revoked' });
    expect(refusals.map((e) => e.reason)).toEqual(['device_revoked']);
    expect(await pendingCount(db)).toBe(SOCKET_MIN_OPS);
    expect((await stats()).pushRequests).toBe(before.pushRequests);
  });

  it('a hub that vanishes after answering the first batch: that batch is out, every other op stays queued', async () => {
    const { device, db } = await classroom(SOCKET_MIN_OPS + 300);
    const url = await scriptedSocketHub((ws, n, count) => {
      if (count === 1) ws.send(JSON.stringify({ t: 'acks', n, acknowledged: [[1, SOCKET_MIN_OPS]], acks: [] }));
      else ws.terminate();
    });
    const { drain } = drainWith(db, createHubClient({ baseUrl: url, token: device.token }));
    await expect(drain()).rejects.toMatchObject({ reason: 'network', message: expect.stringContaining('sync socket closed') as string });
    expect(await pendingCount(db)).toBe(300);
  });

  it.each([
    ['a frame that does not parse', (ws: HubSocket) => ws.send('{"t":"acks","n":0,"acknowledged":"all"}'), 'invalid_response'],
    ['an answer to a batch never sent', (ws: HubSocket) => ws.send(JSON.stringify({ t: 'acks', n: 99, acknowledged: [[1, 5000]], acks: [] })), 'invalid_response'],
    ['no answer at all', () => undefined, 'network'],
  ])('%s: %s, nothing leaves the outbox', async (_what, answer, reason) => {
    const { device, db } = await classroom(SOCKET_MIN_OPS);
    const url = await scriptedSocketHub((ws) => answer(ws));
    const { drain } = drainWith(db, createHubClient({ baseUrl: url, token: device.token, timeoutMs: 300 }));
    await expect(drain()).rejects.toMatchObject({ reason });
    expect(await pendingCount(db)).toBe(SOCKET_MIN_OPS);
  });
});
