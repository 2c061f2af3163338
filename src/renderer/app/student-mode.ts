// 学生模式 on the shared classroom PC, outside React: the teacher hands the PC to students and only the students'
// screens open (the rule: stores/student-mode-policy.ts, checked in stores/route-store.ts `navigate`) until the
// teacher PIN is given. Persisted in Dexie meta, so a reload or a restart comes back locked. Clock, log and the IT
// PIN check are passed in, so the lockout and the recovery have unit tests.
import type { AppDb } from '../db/app-db.ts';
import { getMeta, setMeta } from '../db/meta-repo.ts';
import { signOutStudent } from '../stores/practice-session-store.ts';
import { lockToStudents, navigate, unlockToTeacher, useRoute, type Route } from '../stores/route-store.ts';
import { afterWrongPin, NO_FAILURES, retryAt, triesLeft } from './pin-lockout.ts';
import { hashTeacherPin, verifyTeacherPin } from './teacher-pin.ts';

export type StudentModeDeps = {
  db: AppDb;
  now: () => number;
  log: (level: 'info' | 'warn', message: string) => void;
  /**
   * The recovery for a forgotten teacher PIN: the 管理员 (IT) PIN set when the PC was enrolled. School IT has it,
   * pupils do not; not set on a PC enrolled before there was one.
   */
  itPin: { isSet: () => boolean; check: (pin: string) => Promise<boolean> };
};

export type UnlockResult =
  | { ok: true }
  | { ok: false; code: 'wrong_pin'; triesLeft: number }
  | { ok: false; code: 'locked_out'; retryAt: number }
  | { ok: false; code: 'no_it_pin' };

/** Where the teacher goes once unlocked without having asked for a screen: her day's timetable. */
const TEACHER_HOME: Route = { screen: 'timetable' };

export function createStudentMode({ db, now, log, itPin }: StudentModeDeps) {
  // Only one check at a time: two taps on 确定 must not both read the same failure count.
  let checking: Promise<UnlockResult> = Promise.resolve({ ok: true });

  async function check(pin: string, verify: (pin: string) => Promise<boolean>, how: string): Promise<UnlockResult> {
    const failures = (await getMeta(db, 'teacherPinFailures')) ?? NO_FAILURES;
    const waitUntil = retryAt(failures, now());
    if (waitUntil !== null) return { ok: false, code: 'locked_out', retryAt: waitUntil };
    if (!(await verify(pin))) {
      const next = afterWrongPin(failures, now());
      await setMeta(db, 'teacherPinFailures', next);
      log('warn', `student mode: wrong ${how} (${next.lockedUntil !== null ? 'waiting 30 s' : `${triesLeft(next)} tries left`})`);
      return next.lockedUntil !== null ? { ok: false, code: 'locked_out', retryAt: next.lockedUntil } : { ok: false, code: 'wrong_pin', triesLeft: triesLeft(next) };
    }
    await setMeta(db, 'teacherPinFailures', NO_FAILURES);
    await setMeta(db, 'studentMode', false);
    const wanted = useRoute.getState().refused?.wanted ?? TEACHER_HOME;
    // Whoever practised last must not still be signed in when the teacher hands the PC over again.
    signOutStudent();
    unlockToTeacher(wanted);
    log('info', `student mode: unlocked with the ${how}, to ${wanted.screen}`);
    return { ok: true };
  }

  const serialised = (run: () => Promise<UnlockResult>) => (checking = checking.then(run, run));

  return {
    /** At start, before the first screen shows: a PC left in 学生模式 comes back in it. */
    async restore(): Promise<void> {
      if ((await getMeta(db, 'studentMode')) === true) lockToStudents();
    },

    /** Logs every refused screen, so "the pupil got to X" can be checked against what was asked. Returns the unsubscribe. */
    watchRefusals(): () => void {
      return useRoute.subscribe((state, previous) => {
        if (state.refused && state.refused !== previous.refused) log('warn', `student mode: refused ${state.refused.wanted.screen} (${state.refused.reason})`);
      });
    },

    hasTeacherPin: async () => (await getMeta(db, 'teacherPin')) !== undefined,

    /** The first hand-over, or after a recovery: only while not in 学生模式 (a pupil cannot set it). */
    async setTeacherPin(pin: string): Promise<void> {
      if (useRoute.getState().studentMode) throw new Error('the teacher PIN is set outside 学生模式');
      await setMeta(db, 'teacherPin', await hashTeacherPin(pin));
      await setMeta(db, 'teacherPinFailures', NO_FAILURES);
      log('info', 'student mode: teacher PIN set');
    },

    /**
     * 学生练习 opened by the teacher: locked at once when a teacher PIN exists; else the practice screen asks her to
     * set one first (there would be no way back otherwise).
     */
    async handOver(): Promise<void> {
      if (!(await getMeta(db, 'teacherPin'))) {
        navigate({ screen: 'practice' });
        return;
      }
      await setMeta(db, 'studentMode', true);
      lockToStudents();
      log('info', 'student mode: on');
    },

    unlock(pin: string): Promise<UnlockResult> {
      return serialised(async () => {
        const stored = await getMeta(db, 'teacherPin');
        // No stored PIN here means the IT recovery already cleared it: only the IT PIN can unlock then.
        return check(pin, async (p) => stored !== undefined && (await verifyTeacherPin(p, stored)), 'teacher PIN');
      });
    },

    /** Forgotten teacher PIN: the IT PIN unlocks, under the same lockout, and clears the teacher PIN to be set anew. */
    unlockWithItPin(pin: string): Promise<UnlockResult> {
      return serialised(async () => {
        if (!itPin.isSet()) return { ok: false, code: 'no_it_pin' };
        const result = await check(pin, itPin.check, 'IT PIN');
        if (result.ok) await db.meta.delete('teacherPin');
        return result;
      });
    },
  };
}

export type StudentMode = ReturnType<typeof createStudentMode>;
