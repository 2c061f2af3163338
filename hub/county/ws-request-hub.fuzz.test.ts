// Property: the real hub's two request sockets (live signalling without an SFU, and the sync socket after a real
// device's hello) under hostile frames — binary, any text, any JSON, every live method with any data, pushes of
// anything. Every frame is answered once (a push of junk ops: each op rejected by id) (until the bad-frame budget closes the socket 1008), each answer parses with
// the protocol's own schema and is a named refusal; the hub keeps serving HTTP and new sockets. Real SQLite, real HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LIVE_WS_PATH, LiveServerMessage, liveMethods } from '../../src/shared/live-protocol.ts';
import { EnrollResponse, PROTOCOL_VERSION } from '../../src/shared/protocol.ts';
import { SYNC_WS_PATH, SyncServerFrame } from '../../src/shared/sync-socket-protocol.ts';
import { openDatabase } from '../core/db/open-database.ts';
import type { SqliteDb } from '../core/db/sqlite-db.ts';
import { seedDemo } from '../features/demo/seed-demo.ts';
import { createHub } from './create-hub.ts';
import { MAX_BAD_FRAMES } from '../core/sockets/socket-keepalive.ts';

let dir: string;
let db: SqliteDb;
let app: FastifyInstance;
let base: string;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-wsfuzz-'));
  db = openDatabase(join(dir, 'hub.sqlite'));
  await seedDemo(db, new Date());
  app = await createHub({ db, hubName: '测试中心', adminToken: 'admin-secret-for-ws-fuzz-0123456789', live: { sfu: null, unavailable: 'no SFU (test)' } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  const res = await fetch(`${base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-1', deviceName: 'pc' }) });
  token = EnrollResponse.parse(await res.json()).device.token;
});
afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

type Frame = string | Uint8Array;
const anyText: fc.Arbitrary<Frame>[] = [fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 3 }).map((j) => JSON.stringify(j) ?? 'null')];
// No hello with a token: a wrong one is a failed credential, counted by the failure limiter for this address.
const liveFrame = fc.oneof(
  ...anyText,
  fc.record({ id: fc.oneof(fc.nat(), fc.constant(2 ** 60), fc.constant(-3)), method: fc.constantFrom(...liveMethods.filter((m) => m !== 'hello')), data: fc.jsonValue({ maxDepth: 3 }) }).map((r) => JSON.stringify({ v: 1, ...r })),
  fc.nat().map((id) => JSON.stringify({ v: 1, id, method: 'join', data: { lessonId: 'les-x', token: 'x'.repeat(40), role: 'console' } })),
);
const syncFrame = fc.oneof(
  ...anyText,
  fc.record({ n: fc.oneof(fc.nat(), fc.constant(-1), fc.constant(2 ** 40)), ops: fc.jsonValue({ maxDepth: 3 }) }).map((r) => JSON.stringify({ t: 'push', ...r })),
  fc.constant(JSON.stringify({ t: 'hello', protocol: PROTOCOL_VERSION, token: 'y'.repeat(40) })), // a second hello
);

async function open<T>(path: string, parse: (json: unknown) => T) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}${path}`);
  const answers: T[] = [];
  let closed: { code: number; reason: string } | null = null;
  const changed: (() => void)[] = [];
  const wake = () => changed.splice(0).forEach((w) => w());
  ws.on('message', (raw: Buffer) => {
    answers.push(parse(JSON.parse(raw.toString())));
    wake();
  });
  ws.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
    wake();
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((r) => changed.push(r));
  };
  const send = (frame: Frame) => ws.send(frame, { binary: typeof frame !== 'string' });
  return { ws, answers, send, closed: () => closed, until };
}

describe('the hub’s request sockets under hostile frames', () => {
  it('live signalling: one named refusal per frame, 1008 at the budget, the hub serving on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(liveFrame, { minLength: 1, maxLength: 30 }), async (frames) => {
        const s = await open(LIVE_WS_PATH, (j) => LiveServerMessage.parse(j));
        frames.forEach((f) => s.send(f));
        await s.until(() => s.answers.length >= frames.length || s.closed() !== null);
        const codes = s.answers.map((a) => (a.kind === 'response' && !a.ok ? a.error.code : 'answered'));
        expect(new Set(codes).size > 0 && codes.every((c) => ['malformed', 'not_joined', 'not_found'].includes(c))).toBe(true);
        const malformed = codes.filter((c) => c === 'malformed').length;
        if (s.closed()) expect([s.closed(), malformed]).toEqual([{ code: 1008, reason: 'too many malformed messages' }, MAX_BAD_FRAMES]);
        else expect(s.answers).toHaveLength(frames.length);
        s.ws.close();
      }),
      { numRuns: 25 },
    );
    expect((await fetch(`${base}/v1/health`)).status).toBe(200);
  });

  it('sync socket after a real hello: one named refusal (or every op rejected) per frame, nothing applied, the hub serving on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(syncFrame, { minLength: 1, maxLength: 30 }), async (frames) => {
        const s = await open(SYNC_WS_PATH, (j) => SyncServerFrame.parse(j));
        s.send(JSON.stringify({ t: 'hello', protocol: PROTOCOL_VERSION, token }));
        await s.until(() => s.answers.length === 1);
        expect(s.answers[0]).toMatchObject({ t: 'ready' });
        frames.forEach((f) => s.send(f));
        await s.until(() => s.answers.length >= frames.length + 1 || s.closed() !== null);
        // Ops are checked one by one (a batch of junk is answered with each op rejected by id, nothing acknowledged).
        const codes = s.answers.slice(1).map((a) => (a.t === 'error' ? a.error.code : a.t === 'acks' && a.acknowledged.length === 0 && a.acks.every((k) => k.status === 'rejected') ? 'all rejected' : a.t));
        expect(codes.every((c) => c === 'bad_request' || c === 'all rejected')).toBe(true);
        const malformed = codes.filter((c) => c === 'bad_request').length;
        if (s.closed()) expect([s.closed(), malformed]).toEqual([{ code: 1008, reason: 'too many malformed frames' }, MAX_BAD_FRAMES]);
        else {
          expect(codes).toHaveLength(frames.length);
          s.send(JSON.stringify({ t: 'push', n: 5, ops: [] }));
          await s.until(() => s.answers.length === frames.length + 2);
          expect(s.answers.at(-1)).toMatchObject({ t: 'error', n: 5, error: { code: 'bad_request' } });
        }
        s.ws.close();
      }),
      { numRuns: 25 },
    );
    expect((await fetch(`${base}/v1/health`)).status).toBe(200);
    const applied = await db.get<{ n: number }>('SELECT count(*) AS n FROM applied_ops');
    expect(applied?.n ?? 0).toBe(0);
  });
});
