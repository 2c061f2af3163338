// Everything the teacher enters in class. Each write changes the local table AND appends its outbox op in ONE Dexie
// transaction (with the clock's new HLC), so a record can never exist without its op, nor an op without its record.
import { HlcClock } from '../../shared/hlc.ts';
import type { AttendanceStatus, NoteAnchor, NoteVersion, Quiz } from '../../shared/protocol.ts';
import type { AppDb, NoteRow, OutboxRow } from './app-db.ts';
import { getMeta, setMeta } from './meta-repo.ts';
import { restampRefusedAhead } from './restamp-ops.ts';

/** `now` is the hub's clock as this PC knows it (sync/hub-clock.ts), so records carry the county's time. */
export type RecordsDeps = { db: AppDb; deviceId: string; now: () => Date; onChange?: () => void; newId?: () => string };

/** 16 url-safe characters (96 random bits): unique enough for op and note ids, and short on the wire. */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

export function createRecords({ db, deviceId, now, onChange = () => {}, newId = randomId }: RecordsDeps) {
  let clock: HlcClock | null = null;
  const tables = [db.outbox, db.meta, db.attendance, db.notes, db.quizAnswers];

  /** Runs `write` in one transaction with a fresh HLC and the outbox row it returns. */
  async function record(write: (hlc: string) => Promise<OutboxRow['op']>): Promise<string> {
    const id = await db.transaction('rw', tables, async () => {
      clock ??= new HlcClock(deviceId, () => now().getTime(), await getMeta(db, 'hlc'));
      const hlc = clock.tick();
      const op = await write(hlc);
      await db.outbox.add({ id: op.id, op, status: 'pending', createdAt: now().toISOString(), attempts: 0 });
      await setMeta(db, 'hlc', hlc);
      return op.id;
    });
    onChange();
    return id;
  }

  return {
    /**
     * Call right after the hub answered a push (so `now` has just been checked against the hub's clock): the ops it
     * refused as stamped ahead get fresh timestamps and go back to pending. Returns how many.
     */
    restampRefusedAhead: () =>
      db.transaction('rw', tables, async () => {
        const hlcClock = (clock ??= new HlcClock(deviceId, () => now().getTime(), await getMeta(db, 'hlc')));
        hlcClock.rewindIfAhead();
        let last: string | null = null;
        const count = await restampRefusedAhead(db, () => (last = hlcClock.tick()));
        if (last !== null) await setMeta(db, 'hlc', last);
        return count;
      }),

    setAttendance: (lessonId: string, studentId: string, status: AttendanceStatus) =>
      record(async (hlc) => {
        await db.attendance.put({ lessonId, studentId, status, hlc });
        return { id: newId(), hlc, type: 'attendance.set', lessonId, studentId, status };
      }),

    /** 全部出勤: records "present" for every student not yet marked, so the hub knows attendance was taken. */
    async confirmAttendance(lessonId: string, studentIds: string[]) {
      const marked = new Set((await db.attendance.where('lessonId').equals(lessonId).toArray()).map((a) => a.studentId));
      for (const studentId of studentIds.filter((s) => !marked.has(s))) {
        await record(async (hlc) => {
          await db.attendance.put({ lessonId, studentId, status: 'present', hlc });
          return { id: newId(), hlc, type: 'attendance.set', lessonId, studentId, status: 'present' };
        });
      }
    },

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
