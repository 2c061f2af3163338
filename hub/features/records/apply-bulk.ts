// A run of a batch's ops applied in a few statements whatever its length: one read of everything the rules ask
// (which op ids are applied already, the batch's lessons on the timetable, students on the roster, quizzes, note
// owners), the checks in memory, one claim of every accepted op id, then one write per table. The outcome is the one
// applying the ops one by one in order would give (op-rules.ts holds the rules both ways share).
import type { Change, OpAck } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { isTransactionConflict } from '../../core/db/sql-db.ts';
import type { DeviceRow } from '../org/org-repo.ts';
import { checkCommon, opWrite, readBatchScope, type AttendanceRow, type BulkOp, type NoteRow, type OpWrite, type PracticeAttemptRow, type QuizAnswerRow } from './op-rules.ts';
import { markReportDirty } from './report-marks.ts';
import { claimOps, writeAttendance, writeNotes, writePracticeAttempts, writeQuizAnswers } from './op-writes.ts';

/** A bulk statement failed: the batch's transaction is lost (PostgreSQL) and the batch runs again op by op. */
export class BulkFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(`bulk apply failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'BulkFailed';
  }
}

export type BulkItem = { index: number; op: BulkOp };
export type BulkOutput = {
  /** Filled at each item's index. */
  acks: OpAck[];
  /** The ack of an op whose checks threw (a Rejection, or an unexpected failure that is reported). */
  rejected: (op: BulkOp, error: unknown) => OpAck;
};

/** A statement of the bulk path: a failure becomes BulkFailed, except a lost race, which reruns the transaction. */
async function statement<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isTransactionConflict(error)) throw error;
    throw new BulkFailed(error);
  }
}

export async function applyBulk(tx: HubDatabase, device: DeviceRow, items: readonly BulkItem[], now: Date, out: BulkOutput) {
  const scope = await statement(() => readBatchScope(tx, device.classroom_id, items.map((i) => i.op)));
  const accepted: (BulkItem & { write: OpWrite })[] = [];
  const taken = new Set<string>();
  for (const item of items) {
    const { op, index } = item;
    // Claimed before (by an earlier push, or earlier in this batch): a duplicate, unchecked, as op by op.
    if (scope.appliedIds.has(op.id) || taken.has(op.id)) {
      out.acks[index] = { id: op.id, status: 'duplicate' };
      continue;
    }
    try {
      await checkCommon(scope, op, now);
      const write = await opWrite(scope, device, op);
      if (op.type === 'note.put') scope.noteAdded(op.noteId, op.lessonId);
      taken.add(op.id);
      accepted.push({ ...item, write });
    } catch (error) {
      // A rejected op claims nothing: a later op with the same id is checked on its own, as op by op.
      out.acks[index] = out.rejected(op, error);
    }
  }
  const appliedAt = now.toISOString();
  const claimed = await statement(() => claimOps(tx, accepted.map(({ op }) => ({ op_id: op.id, device_id: device.id, seq: op.seq, type: op.type, applied_at: appliedAt }))));
  const attendance: AttendanceRow[] = [];
  const answers: QuizAnswerRow[] = [];
  const attempts: PracticeAttemptRow[] = [];
  const notes: { row: NoteRow; change: Change }[] = [];
  for (const { op, index, write } of accepted) {
    // Taken by another push between the read and the claim (only an id shared with another classroom can be).
    if (!claimed.has(op.id)) {
      out.acks[index] = { id: op.id, status: 'duplicate' };
      continue;
    }
    out.acks[index] = { id: op.id, status: 'applied' };
    if (write.kind === 'attendance') attendance.push(write.row);
    else if (write.kind === 'quiz') answers.push(write.row);
    else if (write.kind === 'practice') attempts.push(write.row);
    else notes.push(write);
  }
  await statement(() => writeAttendance(tx, attendance));
  await statement(() => writeQuizAnswers(tx, answers));
  await statement(() => writePracticeAttempts(tx, attempts));
  await statement(() => writeNotes(tx, device.classroom_id, notes, now));
  const touched = [...attendance.map((r) => ({ lesson_id: r.lesson_id, classroom_id: device.classroom_id })), ...answers.map((r) => ({ lesson_id: r.lesson_id, classroom_id: r.classroom_id }))];
  await statement(() => markReportDirty(tx, touched));
}
