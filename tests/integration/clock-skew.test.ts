// Classroom PCs with wrong clocks against the real hub over real HTTP (the renderer's own session, Dexie on
// fake-indexeddb; only the desktop bridge — the Electron boundary — is a mock): a PC a year ahead and one a year behind
// enroll, mark the same student in turn, and the teacher's latest mark wins every time; a PC whose clock jumps a year
// ahead after enrolling has its refused records re-stamped and accepted; the hub refuses an op stamped ahead by name.
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../hub/testing/test-hub.ts';
import { decodeHlc, encodeHlc, HLC_AHEAD, MAX_HLC_AHEAD_MS } from '../../src/shared/hlc.ts';
import type { DesktopApi, DeviceIdentity } from '../../src/shared/ipc.ts';
import { PushResponse } from '../../src/shared/protocol.ts';
import { createSession, type Session } from '../../src/renderer/app/session.ts';
import { openAppDb, type AppDb } from '../../src/renderer/db/app-db.ts';
import { waitFor } from '../support/ports.ts';

const YEAR = 365 * 24 * 3600 * 1000;
const LESSON = 'les-j7-0-0';
const STUDENT = 'stu-zj-7-1-05';
let realMs = Date.parse('2026-11-25T02:00:00Z');
let hub: TestHub;
const open: { session: Session; db: AppDb }[] = [];

beforeAll(async () => (hub = await startTestHub(new Date(realMs))));
afterAll(() => hub.close());
afterEach(async () => {
  for (const { session, db } of open.splice(0)) {
    session.dispose();
    await db.delete();
  }
});

/** Real time moves for the hub and every PC alike; each PC adds its own error. */
function advance(ms: number) {
  realMs += ms;
  hub.setNow(new Date(realMs));
}

/** A classroom PC whose clock is `skewMs` off (the Electron identity store is a mock; everything else is real). */
function classroomPc(skew: { ms: number }) {
  const db = openAppDb(`clock-skew-${crypto.randomUUID()}`);
  let identity: DeviceIdentity | null = null;
  const desktop = {
    identity: {
      get: () => Promise.resolve(identity),
      set: (value: DeviceIdentity) => Promise.resolve(void (identity = value)),
      clear: () => Promise.resolve(void (identity = null)),
    },
    log: { write: () => Promise.resolve() },
  } as unknown as DesktopApi;
  const session = createSession({ db, desktop, now: () => new Date(realMs + skew.ms), fetch, onlineEvents: new EventTarget(), pushDebounceMs: 3_600_000 });
  open.push({ session, db });
  return { db, session };
}

const hubStatus = async () => (await hub.db.get<{ status: string }>(`SELECT status FROM attendance WHERE lesson_id = ? AND student_id = ?`, [LESSON, STUDENT]))?.status;

async function enroll(pc: ReturnType<typeof classroomPc>, deviceName: string) {
  await pc.session.init();
  await pc.session.enroll({ hubUrl: hub.base, code: 'DEMO-ZJ-1', deviceName });
  await pc.session.syncNow(); // the first sync after enrolling is done before the test goes on
}

async function mark(pc: ReturnType<typeof classroomPc>, status: 'present' | 'absent' | 'late' | 'leave') {
  advance(60_000); // a minute between the teachers' taps
  await pc.session.records().setAttendance(LESSON, STUDENT, status);
  await syncAll(pc);
}

async function syncAll(pc: ReturnType<typeof classroomPc>) {
  // syncNow joins a sync already under way, which may have started before the mark: sync until the outbox is empty.
  await waitFor(async () => {
    await pc.session.syncNow();
    const outbox = await pc.db.outbox.toArray();
    if (outbox.some((r) => r.status === 'failed' || r.lastError)) throw new Error(`refused: ${JSON.stringify(outbox)}`);
    return outbox.length === 0 ? true : undefined;
  }, 'every op acknowledged', 10_000, 10);
}

describe('a classroom PC with a wrong clock', () => {
  it('a year ahead and a year behind: both sync, and the latest mark wins each time', async () => {
    const ahead = classroomPc({ ms: YEAR });
    const behind = classroomPc({ ms: -YEAR });
    await enroll(ahead, '快的电脑');
    await enroll(behind, '慢的电脑');

    await mark(ahead, 'absent');
    expect(await hubStatus()).toBe('absent');
    await mark(behind, 'present'); // later in real time: wins although its clock says a year earlier
    expect(await hubStatus()).toBe('present');
    await mark(ahead, 'late'); // and the fast PC's next mark is not stuck a year in the future either
    expect(await hubStatus()).toBe('late');
    await mark(behind, 'leave');
    expect(await hubStatus()).toBe('leave');
  });

  it('whose clock jumps a year ahead after enrolling: the hub refuses its marks as ahead, it re-stamps and they apply', async () => {
    const skew = { ms: 0 };
    const pc = classroomPc(skew);
    const other = classroomPc({ ms: 0 });
    await enroll(pc, '电池没电的电脑');
    await enroll(other, '另一台电脑');

    skew.ms = YEAR; // flat CMOS battery: the offset it learned is stale until the hub answers again
    advance(60_000);
    await pc.session.records().setAttendance(LESSON, STUDENT, 'absent');
    const [queued] = await pc.db.outbox.toArray();
    expect(decodeHlc(queued?.op.hlc ?? '')?.wallMs).toBeGreaterThan(realMs + YEAR - 1000); // stamped a year ahead
    await syncAll(pc);
    expect(await hubStatus()).toBe('absent');
    const applied = (await hub.db.get<{ hlc: string; op_id: string }>(`SELECT a.hlc, o.op_id FROM attendance a JOIN applied_ops o ON o.device_id = a.device_id WHERE a.lesson_id = ? AND a.student_id = ?`, [LESSON, STUDENT])) ?? { hlc: '', op_id: '' };
    expect(applied.op_id).toBe(queued?.id); // the same op, re-stamped:
    expect(Math.abs((decodeHlc(applied.hlc)?.wallMs ?? 0) - realMs)).toBeLessThan(MAX_HLC_AHEAD_MS);
    await mark(other, 'present');
    expect(await hubStatus()).toBe('present');
  });
});

describe('the hub', () => {
  it('refuses an op stamped more than the bound ahead of its clock, by name, and changes nothing', async () => {
    const { device } = await hub.enroll('DEMO-ZJ-1');
    const before = await hubStatus();
    const op = (aheadMs: number, id: string) => ({ id, seq: 1, hlc: encodeHlc({ wallMs: realMs + aheadMs, counter: 0, node: 'dev_x' }), type: 'attendance.set', lessonId: LESSON, studentId: STUDENT, status: 'absent' });
    const res = await hub.call('/v1/sync/push', { method: 'POST', token: device.token, json: { ops: [op(YEAR, `ahead-${realMs}`), op(MAX_HLC_AHEAD_MS + 1000, `ahead2-${realMs}`)] } });
    const acks = PushResponse.parse(res.body).acks;
    expect(acks.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    for (const ack of acks) expect(ack.status === 'rejected' && ack.reason.startsWith(`${HLC_AHEAD}:`)).toBe(true);
    expect(await hubStatus()).toBe(before);
    expect(await hub.db.get(`SELECT count(*) AS n FROM applied_ops WHERE device_id = ?`, [device.id])).toEqual({ n: 0 });
  });

  it('tells every answer its clock, errors included', async () => {
    for (const path of ['/v1/health', '/v1/sync/pull', '/v1/nothing']) {
      const res = await fetch(`${hub.base}${path}`);
      expect(res.headers.get('x-ykt-hub-time'), path).toBe(String(realMs));
    }
  });
});
