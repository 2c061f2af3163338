// A hub without a mediasoup worker still serves everything else, and says plainly why live lessons are off.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LIVE_WS_PATH, LiveServerMessage } from '../../../../src/shared/live-protocol.ts';
import { openDatabase } from '../../../core/db/open-database.ts';
import type { SqliteDb } from '../../../core/db/sqlite-db.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { createHub } from '../../../county/create-hub.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson } from '../broadcast/demo-live.ts';

const ADMIN = 'admin-secret-for-live-tests-0123456789';
const REASON = 'no mediasoup worker (test)';
let dir: string;
let db: SqliteDb;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-nolive-'));
  db = openDatabase(join(dir, 'hub.sqlite'));
  await seedDemo(db, new Date());
  await ensureDemoLiveLesson(db, new Date());
  app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, live: { sfu: null, unavailable: REASON } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('live without an SFU', () => {
  it('reports live as unavailable, with the reason, on the status route and the ingest API', async () => {
    expect(await (await fetch(`${base}/v1/live/status`)).json()).toEqual({ available: false, reason: REASON });
    const ingest = await fetch(`${base}/v1/admin/live/${DEMO_LIVE_LESSON_ID}/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ video: [{ ssrc: 1, maxBitrate: 100_000, scaleDown: 1 }], audioSsrc: 2, videoPayloadType: 101, audioPayloadType: 100 }),
    });
    expect(ingest.status).toBe(404);
    expect(JSON.stringify(await ingest.json())).toContain(REASON);
    expect((await fetch(`${base}/v1/health`)).ok).toBe(true);
  });

  it('answers a join on the signalling socket with the reason instead of failing silently', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}${LIVE_WS_PATH}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<LiveServerMessage>((resolve) => ws.once('message', (raw: Buffer) => resolve(LiveServerMessage.parse(JSON.parse(raw.toString())))));
    ws.send(JSON.stringify({ v: 1, id: 1, method: 'join', data: { lessonId: DEMO_LIVE_LESSON_ID, token: ADMIN, role: 'console' } }));
    expect(await reply).toMatchObject({ kind: 'response', id: 1, ok: false, error: { code: 'not_found', message: expect.stringContaining(REASON) as unknown } });
    ws.close();
  });
});
