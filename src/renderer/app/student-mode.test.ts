import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { getMeta } from '../db/meta-repo.ts';
import { signInStudent, usePracticeSession } from '../stores/practice-session-store.ts';
import { navigate, useRoute } from '../stores/route-store.ts';
import { createStudentMode, type StudentMode } from './student-mode.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');
let db: AppDb;
let clock: number;
let logged: string[];
let itPinSet: boolean;

const make = (): StudentMode =>
  createStudentMode({
    db,
    now: () => clock,
    log: (level, message) => logged.push(`${level}: ${message}`),
    itPin: { isSet: () => itPinSet, check: (pin) => Promise.resolve(pin === '24680') },
  });
const resetRoute = () => useRoute.setState({ route: { screen: 'timetable' }, studentMode: false, refused: null });

beforeEach(() => {
  db = openAppDb(`student-mode-test-${crypto.randomUUID()}`);
  clock = T0;
  logged = [];
  itPinSet = true;
  resetRoute();
  usePracticeSession.setState({ studentId: null, lastActiveAt: 0, signedOutIdle: false });
});
afterEach(async () => {
  await db.delete();
});

async function handedOver(pin = '1234'): Promise<StudentMode> {
  const mode = make();
  await mode.setTeacherPin(pin);
  await mode.handOver();
  return mode;
}

describe('学生模式', () => {
  it('the first hand-over without a teacher PIN only opens 学生练习 (to set one), unlocked', async () => {
    const mode = make();
    await mode.handOver();
    expect(useRoute.getState()).toMatchObject({ studentMode: false, route: { screen: 'practice' } });
    expect(await getMeta(db, 'studentMode')).toBeUndefined();
  });

  it('with a teacher PIN, hand-over locks at once and persists it; a restart comes back locked', async () => {
    await handedOver();
    expect(useRoute.getState()).toMatchObject({ studentMode: true, route: { screen: 'practice' } });
    expect(await getMeta(db, 'studentMode')).toBe(true);
    // What a reload does: a fresh route store, a fresh controller, the same IndexedDB.
    resetRoute();
    await make().restore();
    expect(useRoute.getState()).toMatchObject({ studentMode: true, route: { screen: 'practice' } });
    expect(navigate({ screen: 'timetable' })).toBe(false);
  });

  it('keeps only a hash of the teacher PIN', async () => {
    await handedOver('975310');
    const rows = JSON.stringify(await db.meta.toArray());
    const stored = await getMeta(db, 'teacherPin');
    expect(stored && Object.values(stored)).not.toContain('975310');
    expect(rows).toContain(stored?.hash);
  });

  it('the right PIN unlocks to the screen that was refused, signs the student out and is persisted', async () => {
    const mode = await handedOver();
    signInStudent('stu-1', clock);
    navigate({ screen: 'practice-progress' });
    expect(await mode.unlock('1234')).toEqual({ ok: true });
    expect(useRoute.getState()).toEqual({ studentMode: false, route: { screen: 'practice-progress' }, refused: null });
    expect(usePracticeSession.getState().studentId).toBeNull();
    expect(await getMeta(db, 'studentMode')).toBe(false);
    expect(logged).toContain('info: student mode: unlocked with the teacher PIN, to practice-progress');
  });

  it('a wrong PIN is refused by name and counts down; after 5 the right one too waits 30 s', async () => {
    const mode = await handedOver();
    for (let left = 4; left >= 1; left--) expect(await mode.unlock('9999')).toEqual({ ok: false, code: 'wrong_pin', triesLeft: left });
    expect(await mode.unlock('9999')).toEqual({ ok: false, code: 'locked_out', retryAt: T0 + 30_000 });
    clock = T0 + 29_999;
    expect(await mode.unlock('1234')).toEqual({ ok: false, code: 'locked_out', retryAt: T0 + 30_000 });
    expect(useRoute.getState().studentMode).toBe(true);
    // A reload does not reset the count.
    resetRoute();
    const reloaded = make();
    await reloaded.restore();
    expect(await reloaded.unlock('1234')).toMatchObject({ code: 'locked_out' });
    clock = T0 + 30_000;
    expect(await reloaded.unlock('1234')).toEqual({ ok: true });
    expect(useRoute.getState().route).toEqual({ screen: 'timetable' }); // nothing asked for: the teacher's timetable
    expect(await getMeta(db, 'teacherPinFailures')).toEqual({ wrong: 0, lockedUntil: null });
  });

  it('two taps at once are checked one after the other, so each wrong PIN counts', async () => {
    const mode = await handedOver();
    const results = await Promise.all(['0000', '0001', '0002'].map((pin) => mode.unlock(pin)));
    expect(results.map((r) => (r.ok ? 'ok' : r.code === 'wrong_pin' ? r.triesLeft : r.code))).toEqual([4, 3, 2]);
  });

  it('a forgotten PIN: the IT PIN unlocks, under the same lockout, and clears the teacher PIN to be set again', async () => {
    const mode = await handedOver();
    expect(await mode.unlockWithItPin('11111')).toEqual({ ok: false, code: 'wrong_pin', triesLeft: 4 });
    expect(await mode.unlock('0000')).toEqual({ ok: false, code: 'wrong_pin', triesLeft: 3 }); // one count for both
    expect(await mode.unlockWithItPin('24680')).toEqual({ ok: true });
    expect(useRoute.getState().studentMode).toBe(false);
    expect(await mode.hasTeacherPin()).toBe(false);
    await mode.handOver(); // asks for a new teacher PIN rather than locking with no way back
    expect(useRoute.getState().studentMode).toBe(false);
  });

  it('without an IT PIN on the PC, the recovery says so and unlocks nothing', async () => {
    itPinSet = false;
    const mode = await handedOver();
    expect(await mode.unlockWithItPin('24680')).toEqual({ ok: false, code: 'no_it_pin' });
    expect(useRoute.getState().studentMode).toBe(true);
  });

  it('the teacher PIN cannot be changed from 学生模式', async () => {
    const mode = await handedOver();
    await expect(mode.setTeacherPin('5555')).rejects.toThrow('outside 学生模式');
    expect(await mode.unlock('5555')).toMatchObject({ code: 'wrong_pin' });
  });

  it('logs each refused screen', async () => {
    const mode = await handedOver();
    const stop = mode.watchRefusals();
    navigate({ screen: 'admin' });
    navigate({ screen: 'lesson', lessonId: 'les-1' });
    stop();
    navigate({ screen: 'sync' });
    expect(logged.filter((l) => l.includes('refused'))).toEqual(['warn: student mode: refused admin (student_mode)', 'warn: student mode: refused lesson (student_mode)']);
  });
});
