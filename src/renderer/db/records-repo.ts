// Everything the teacher enters in class. Each write changes the local table AND appends its outbox op in ONE Dexie
// transaction (with the clock's new HLC), so a record can never exist without its op, nor an op without its record.
import { HlcClock } from '../../shared/hlc.ts';
import type { AttendanceStatus, NoteAnchor, NoteVersion, Quiz } from '../../shared/protocol.ts';
import type { AppDb, NoteRow, OutboxRow } from './app-db.ts';
import { getMeta, setMeta } from './meta-repo.ts';
import { createPracticeWrites, practiceTables } from './practice-repo.ts';
import { restampRefusedAhead } from './restamp-ops.ts';

/** `now` is the hub's clock as this PC knows it (sync/hub-clock.ts), so records carry the county's time. */
export type RecordsDeps = { db: AppDb; deviceId: string; now: () => Date; onChange?: () => void; newId?: () => string };

/** 16 url-safe characters (96 random bits): unique enough for op and note ids, and short on the wire. */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

/** One tap moves a student to the next status: the common case (出勤) needs no tap at all. */
export const NEXT_ATTENDANCE: Record<AttendanceStatus, AttendanceStatus> = { present: 'absent', absent: 'late', late: 'leave', leave: 'present' };

export function createRecords({ db, deviceId, now, onChange = () => {}, newId = randomId }: RecordsDeps) {
  let clock: HlcClock | null = null;
  const tables = [db.outbox, db.meta, db.attendance, db.notes, db.quizAnswers, ...practiceTables(db)];

  /**
   * Runs `write` in ONE transaction that also appends the outbox rows of the ops it returns; `tick` gives each op a
   * fresh HLC. Reads `write` makes inside see every committed tap, and no tap can land between its read and its write.
   */
  async function recordAll(write: (tick: () => string) => Promise<OutboxRow['op'][]>): Promise<string[]> {
    const ids = await db.transaction('rw', tables, async () => {
      // Read first, tick after: the read waits until every earlier write transaction committed, so HLCs follow commit
      // order. Ticking before it would let a tap that commits after 全部出勤 carry an older HLC, and lose at the hub.
      const stored = await getMeta(db, 'hlc');
      const hlc = (clock ??= new HlcClock(deviceId, () => now().getTime(), stored));
      if (stored) hlc.receive(stored); // another window of the app may have written since
      const ops = await write(() => hlc.tick());
      if (ops.length === 0) return [];
      const createdAt = now().toISOString();
      await db.outbox.bulkAdd(ops.map((op): OutboxRow => ({ id: op.id, op, status: 'pending', createdAt, attempts: 0 })));
      await setMeta(db, 'hlc', ops.reduce((max, op) => (op.hlc > max ? op.hlc : max), ops[0]?.hlc ?? ''));
      return ops.map((op) => op.id);
    });
    if (ids.length > 0) onChange();
    return ids;
  }

  /** One record and its op. */
  const record = async (write: (hlc: string) => Promise<OutboxRow['op']>): Promise<string> =>
    (await recordAll(async (tick) => [await write(tick())]))[0] ?? '';

  return {
    ...createPracticeWrites({ db, now, newId, record }),
    /**
     * Call right after the hub answered a push (so `now` has just been checked against the hub's clock): the ops it
     * refused as stamped ahead get fresh timestamps and go back to pending. Returns how many.
     */
    restampRefusedAhead: () =>
      db.transaction('rw', tables, async () => {
        const hlcClock = (clock ??= new HlcClock(deviceId, () => now().getTime(), await getMeta(db, 'hlc')));
        const rewound = hlcClock.rewindIfAhead();
        let last: string | null = null;
        const count = await restampRefusedAhead(db, () => (last = hlcClock.tick()));
        // The stored clock must not stay ahead either: every window starts its clock from it.
        if (last === null && rewound) last = hlcClock.tick();
        if (last !== null) await setMeta(db, 'hlc', last);
        return count;
      }),

    /**
     * One tap on a student's tile: the next status after the one STORED, read inside the transaction. Computing it from
     * what the screen drew lost taps: three quick taps before the screen redrew all wrote 缺勤 (measured in CI).
     */
    cycleAttendance: (lessonId: string, studentId: string) =>
      record(async (hlc) => {
        const current = (await db.attendance.where('[lessonId+studentId]').equals([lessonId, studentId]).first())?.status ?? 'present';
        const status = NEXT_ATTENDANCE[current];
        await db.attendance.put({ lessonId, studentId, status, hlc });
        return { id: newId(), hlc, type: 'attendance.set', lessonId, studentId, status };
      }),

    setAttendance: (lessonId: string, studentId: string, status: AttendanceStatus) =>
      record(async (hlc) => {
        await db.attendance.put({ lessonId, studentId, status, hlc });
        return { id: newId(), hlc, type: 'attendance.set', lessonId, studentId, status };
      }),

    /**
     * 全部出勤: "present" for every student not yet marked, so the hub knows attendance was taken. One transaction that
     * reads the marks inside it: a tap made after the screen drew the roster is kept, never overwritten.
     */
    confirmAttendance: (lessonId: string, studentIds: readonly string[]) =>
      recordAll(async (tick) => {
        const marked = new Set((await db.attendance.where('lessonId').equals(lessonId).toArray()).map((a) => a.studentId));
        const ops = [...new Set(studentIds)].filter((s) => !marked.has(s)).map((studentId) => ({ id: newId(), hlc: tick(), type: 'attendance.set' as const, lessonId, studentId, status: 'present' as const }));
        await db.attendance.bulkPut(ops.map(({ lessonId: l, studentId, status, hlc }) => ({ lessonId: l, studentId, status, hlc })));
        return ops;
      }),

    /** Saves a note (new, edited, merged or deleted). `resolve` lists the conflicting versions this save merges. */
    saveNote: (input: { noteId?: string; lessonId: string; anchor: NoteAnchor; text: string; pause: boolean; deleted?: boolean; resolve?: string[] }) =>
      record(async (hlc) => {
        const noteId = input.noteId ?? newId();
        const existing = await db.notes.get(noteId);
        const version: NoteVersion = {
          noteId,
          lessonId: input.lessonId,
          hlc,
          baseHlc: existing?.current.hlc ?? null,
          merges: input.resolve ?? [],
          anchor: input.anchor,
          text: input.text,
          pause: input.pause,
          deleted: input.deleted ?? false,
          deviceId,
        };
        const row: NoteRow = {
          noteId,
          lessonId: input.lessonId,
          current: version,
          known: [...(existing?.known ?? []), hlc],
          conflicts: (existing?.conflicts ?? []).filter((c) => !version.merges.includes(c.hlc)),
        };
        await db.notes.put(row);
        const { noteId: n, lessonId, baseHlc, merges, anchor, text, pause, deleted } = version;
        return { id: newId(), type: 'note.put', hlc, noteId: n, lessonId, baseHlc, merges, anchor, text, pause, deleted };
      }),

    recordAnswer: (quiz: Quiz, questionId: string, studentId: string, choice: number) =>
      record(async (hlc) => {
        const question = quiz.questions.find((q) => q.id === questionId);
        const id = newId();
        await db.quizAnswers.put({ id, lessonId: quiz.lessonId, quizId: quiz.id, questionId, studentId, choice, correct: Number(question?.answer === choice), total: 1, hlc });
        return { id, hlc, type: 'quiz.answer', lessonId: quiz.lessonId, quizId: quiz.id, questionId, studentId, choice };
      }),

    recordTally: (quiz: Quiz, questionId: string, correct: number, total: number) =>
      record(async (hlc) => {
        const id = newId();
        await db.quizAnswers.put({ id, lessonId: quiz.lessonId, quizId: quiz.id, questionId, studentId: null, choice: null, correct, total, hlc });
        return { id, hlc, type: 'quiz.tally', lessonId: quiz.lessonId, quizId: quiz.id, questionId, correct, total };
      }),
  };
}

export type Records = ReturnType<typeof createRecords>;
