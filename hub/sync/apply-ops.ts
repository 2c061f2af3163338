// Applies a device's pushed ops: idempotently (an op id seen before is acknowledged as a duplicate, never applied
// twice, also when two hub nodes receive it at once) and in one transaction per batch, with a savepoint per op so one bad op is rejected with a reason while the
// rest of the batch applies — whatever the reason, expected (out of scope, malformed) or not (a damaged stored quiz, a
// constraint): an op must never fail the whole batch, or the device would resend it for ever and everything queued
// behind it would wait. Ops only ever touch the pushing device's own classroom.
import { decodeHlc, HLC_AHEAD, MAX_HLC_AHEAD_MS } from '../../src/shared/hlc.ts';
import { Op, Quiz, type OpAck } from '../../src/shared/protocol.ts';
import type { HubDatabase } from '../db/open-database.ts';
import { TransactionAborted } from '../db/sql-db.ts';
import type { DeviceRow } from '../org/org-repo.ts';
import { appendChange, lockClassroomLog } from '../timetable/change-log.ts';
import { isLessonForClassroom } from '../timetable/timetable-repo.ts';
import { Rejection } from './op-rejection.ts';
import { applyPracticeOp } from './practice-apply.ts';


/** Told about an op that failed for a reason the rules do not name (the op is rejected; the hub's log keeps why). */
export type OnUnexpected = (op: Op, error: unknown) => void;

const MAX_REASON = 500; // OpAck.reason's wire limit

export async function applyPush(db: HubDatabase, device: DeviceRow, rawOps: unknown[], now: Date, onUnexpected: OnUnexpected = () => {}): Promise<OpAck[]> {
  return db.transaction(async (tx) => {
    // Pushes of one classroom take turns across hub nodes, before any row is locked: two nodes applying the same
    // device's batch (a retry through the other node) would otherwise lock attendance rows and the classroom's
    // change log in opposite orders and deadlock. Classrooms never share rows, so they still apply in parallel.
    await lockClassroomLog(tx, device.classroom_id);
    const acks: OpAck[] = [];
    for (const raw of rawOps) {
      const parsed = Op.safeParse(raw);
      if (!parsed.success) {
        const id = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' ? raw.id.slice(0, 64) : '?';
        const issue = parsed.error.issues[0];
        acks.push({ id, status: 'rejected', reason: `malformed op: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}`.slice(0, MAX_REASON) });
        continue;
      }
      const op = parsed.data;
      try {
        const applied = await tx.transaction(async (step) => {
          // The op id is claimed before the op is applied: a second hub node applying the same op at the same moment
          // waits on this primary key until the first commits, then finds it taken (exactly once; ARCHITECTURE.md).
          const claim = await step.run(`INSERT INTO applied_ops (op_id, device_id, seq, type, applied_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (op_id) DO NOTHING`, [
            op.id,
            device.id,
            op.seq,
            op.type,
            now.toISOString(),
          ]);
          if (claim.changes === 0) return false;
          await applyOp(step, device, op, now);
          return true;
        });
        acks.push(applied ? { id: op.id, status: 'applied' } : { id: op.id, status: 'duplicate' });
      } catch (error) {
        if (error instanceof Rejection) {
          acks.push({ id: op.id, status: 'rejected', reason: error.message.slice(0, MAX_REASON) });
          continue;
        }
        // The engine itself ended the batch's transaction (disk full, I/O error, lost connection): nothing of it holds,
        // so the batch fails as a whole and the device retries it later, unchanged.
        if (error instanceof TransactionAborted) throw error;
        onUnexpected(op, error);
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        acks.push({ id: op.id, status: 'rejected', reason: `internal error: ${message}`.slice(0, MAX_REASON) });
      }
    }
    return acks;
  });
}

async function applyOp(db: HubDatabase, device: DeviceRow, op: Op, now: Date) {
  const hlc = decodeHlc(op.hlc);
  if (!hlc) throw new Rejection('malformed hlc');
  // A clock running fast would win every later last-writer-wins merge of this record: the client re-stamps and resends.
  const aheadMs = hlc.wallMs - now.getTime();
  if (aheadMs > MAX_HLC_AHEAD_MS) throw new Rejection(`${HLC_AHEAD}: stamped ${Math.round(aheadMs / 1000)} s ahead of the hub clock ${now.toISOString()}`);
  if (!(await isLessonForClassroom(db, op.lessonId, device.classroom_id))) throw new Rejection(`lesson ${op.lessonId} is not on this classroom's timetable`);
  if (op.type === 'practice.attempt' || op.type === 'exam.submit') return applyPracticeOp(db, device, op);
  const studentOf = async (studentId: string) => {
    if (!(await db.get(`SELECT 1 FROM students WHERE id = ? AND classroom_id = ?`, [studentId, device.classroom_id]))) {
      throw new Rejection(`student ${studentId} is not on this classroom's roster`);
    }
  };
  switch (op.type) {
    case 'attendance.set':
      await studentOf(op.studentId);
      // Last writer wins by HLC, decided by the engine on the row it has locked for the upsert (no read-then-write).
      await db.run(
        `INSERT INTO attendance (lesson_id, student_id, status, hlc, device_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (lesson_id, student_id) DO UPDATE SET status = excluded.status, hlc = excluded.hlc, device_id = excluded.device_id
         WHERE excluded.hlc > attendance.hlc`,
        [op.lessonId, op.studentId, op.status, op.hlc, device.id],
      );
      return;
    case 'note.put': {
      const owner = await db.get<{ lesson_id: string }>(`SELECT lesson_id FROM note_versions WHERE note_id = ? LIMIT 1`, [op.noteId]);
      if (owner && owner.lesson_id !== op.lessonId) throw new Rejection('note belongs to another lesson');
      await db.run(
        `INSERT INTO note_versions (note_id, hlc, base_hlc, merges, lesson_id, classroom_id, anchor, text, pause, deleted, device_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [op.noteId, op.hlc, op.baseHlc, JSON.stringify(op.merges), op.lessonId, device.classroom_id, JSON.stringify(op.anchor), op.text, Number(op.pause), Number(op.deleted), device.id],
      );
      const note = { noteId: op.noteId, lessonId: op.lessonId, hlc: op.hlc, baseHlc: op.baseHlc, merges: op.merges, anchor: op.anchor, text: op.text, pause: op.pause, deleted: op.deleted };
      await appendChange(db, device.classroom_id, { type: 'note.version', note: { ...note, deviceId: device.id } }, now);
      return;
    }
    case 'quiz.answer':
    case 'quiz.tally': {
      const row = await db.get<{ body: string }>(`SELECT body FROM quizzes WHERE id = ? AND lesson_id = ?`, [op.quizId, op.lessonId]);
      if (!row) throw new Rejection(`quiz ${op.quizId} is not part of lesson ${op.lessonId}`);
      const question = Quiz.parse(JSON.parse(row.body)).questions.find((q) => q.id === op.questionId);
      if (!question) throw new Rejection(`question ${op.questionId} is not in quiz ${op.quizId}`);
      const insert = `INSERT INTO quiz_answers (op_id, lesson_id, quiz_id, question_id, student_id, choice, correct, total, hlc, classroom_id, device_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
      if (op.type === 'quiz.answer') {
        await studentOf(op.studentId);
        if (op.choice >= question.choices.length) throw new Rejection('choice out of range');
        await db.run(insert, [op.id, op.lessonId, op.quizId, op.questionId, op.studentId, op.choice, Number(op.choice === question.answer), 1, op.hlc, device.classroom_id, device.id]);
      } else {
        if (op.correct > op.total) throw new Rejection('more correct answers than answers');
        await db.run(insert, [op.id, op.lessonId, op.quizId, op.questionId, null, null, op.correct, op.total, op.hlc, device.classroom_id, device.id]);
      }
      return;
    }
  }
}
