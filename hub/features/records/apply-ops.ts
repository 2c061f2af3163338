// Applies a device's pushed ops: idempotently (an op id seen before is acknowledged as a duplicate, never applied
// twice, also when two hub nodes receive it at once) and in one transaction per batch, so that one bad op is rejected
// with a reason while the rest of the batch applies — whatever the reason, expected (out of scope, malformed) or not
// (a damaged stored quiz, a constraint): an op must never fail the whole batch, or the device would resend it for ever
// and everything queued behind it would wait. Ops only ever touch the pushing device's own classroom.
//
// Two ways, one set of rules (op-rules.ts): in bulk (apply-bulk.ts: a handful of statements per batch whatever its
// size — what lets PostgreSQL keep up with a province), and op by op, each in its own savepoint with its own claim.
// Op types without a bulk form go op by op inside the bulk batch, in their place; and when a bulk statement fails
// (the engine refused some row) the whole batch runs again op by op, so the op at fault gets its own rejection.
import { Op, type OpAck } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { TransactionAborted } from '../../core/db/sql-db.ts';
import type { DeviceRow } from '../org/org-repo.ts';
import { lockClassroomLog } from '../timetable/change-log.ts';
import { applyBulk, BulkFailed, type BulkItem } from './apply-bulk.ts';
import { checkCommon, isBulkOp, liveScope, opWrite, Rejection, type OpWrite } from './op-rules.ts';
import { claimOps, writeAttendance, writeNotes, writePracticeAttempts, writeQuizAnswers } from './op-writes.ts';
import { markReportDirty } from './report-marks.ts';
import { applyPracticeOp } from '../practice/practice-apply.ts';

/** Told about an op that failed for a reason the rules do not name (the op is rejected; the hub's log keeps why). */
export type OnUnexpected = (op: Op, error: unknown) => void;
/** Told when a bulk statement failed and the batch was applied op by op instead (slower, same outcome). */
export type OnBulkFallback = (error: unknown) => void;
/** Unexpected failures of one attempt, reported once the batch's transaction has committed. */
export type Unexpected = [Op, unknown][];

const MAX_REASON = 500; // OpAck.reason's wire limit

type Item = { op: Op } | { ack: OpAck };

export async function applyPush(
  db: HubDatabase,
  device: DeviceRow,
  rawOps: unknown[],
  now: Date,
  onUnexpected: OnUnexpected = () => {},
  onBulkFallback: OnBulkFallback = () => {},
): Promise<OpAck[]> {
  const items = rawOps.map(parseOp);
  let outcome: { acks: OpAck[]; unexpected: Unexpected };
  try {
    outcome = await db.transaction((tx) => applyBatch(tx, device, items, now, true));
  } catch (error) {
    if (!(error instanceof BulkFailed)) throw error;
    onBulkFallback(error.cause);
    return applyPushOpByOp(db, device, rawOps, now, onUnexpected);
  }
  for (const [op, error] of outcome.unexpected) onUnexpected(op, error);
  return outcome.acks;
}

/** The op-by-op path alone: what applyPush falls back to (exported for the bench's before/after comparison). */
export async function applyPushOpByOp(db: HubDatabase, device: DeviceRow, rawOps: unknown[], now: Date, onUnexpected: OnUnexpected = () => {}): Promise<OpAck[]> {
  const outcome = await db.transaction((tx) => applyBatch(tx, device, rawOps.map(parseOp), now, false));
  for (const [op, error] of outcome.unexpected) onUnexpected(op, error);
  return outcome.acks;
}

function parseOp(raw: unknown): Item {
  const parsed = Op.safeParse(raw);
  if (parsed.success) return { op: parsed.data };
  const id = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' ? raw.id.slice(0, 64) : '?';
  const issue = parsed.error.issues[0];
  return { ack: { id, status: 'rejected', reason: `malformed op: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}`.slice(0, MAX_REASON) } };
}

async function applyBatch(tx: HubDatabase, device: DeviceRow, items: readonly Item[], now: Date, bulk: boolean) {
  // Pushes of one classroom take turns across hub nodes, before any row is locked: two nodes applying the same
  // device's batch (a retry through the other node) would otherwise lock attendance rows and the classroom's
  // change log in opposite orders and deadlock. Classrooms never share rows, so they still apply in parallel. The
  // bulk path's read of which ops are applied already relies on it too (no other push of this classroom is in flight).
  await lockClassroomLog(tx, device.classroom_id);
  const acks: OpAck[] = [];
  const unexpected: Unexpected = [];
  let segment: BulkItem[] = [];
  const flush = async () => {
    if (segment.length > 0) await applyBulk(tx, device, segment, now, { acks, rejected: (op, error) => failureAck(op, error, unexpected) });
    segment = [];
  };
  for (const [index, item] of items.entries()) {
    if ('ack' in item) acks[index] = item.ack;
    else if (bulk && isBulkOp(item.op)) segment.push({ index, op: item.op });
    else {
      await flush(); // ops apply in their order: a type without a bulk form waits for the bulk ops before it
      acks[index] = await applyOne(tx, device, item.op, now, unexpected);
    }
  }
  await flush();
  return { acks, unexpected };
}

/** One op in its own savepoint: claimed, checked and written, or rolled back alone with its reason. */
async function applyOne(tx: HubDatabase, device: DeviceRow, op: Op, now: Date, unexpected: Unexpected): Promise<OpAck> {
  try {
    const applied = await tx.transaction(async (step) => {
      // The op id is claimed before the op is applied: a second hub node applying the same op at the same moment
      // waits on this primary key until the first commits, then finds it taken (exactly once; ARCHITECTURE.md).
      const claimed = await claimOps(step, [{ op_id: op.id, device_id: device.id, seq: op.seq, type: op.type, applied_at: now.toISOString() }]);
      if (claimed.size === 0) return false;
      await applyOp(step, device, op, now);
      return true;
    });
    return applied ? { id: op.id, status: 'applied' } : { id: op.id, status: 'duplicate' };
  } catch (error) {
    return failureAck(op, error, unexpected);
  }
}

/** The ack of an op that threw: a named rejection, or an unexpected failure (rejected too, and reported). */
function failureAck(op: Op, error: unknown, unexpected: Unexpected): OpAck {
  if (error instanceof Rejection) return { id: op.id, status: 'rejected', reason: error.message.slice(0, MAX_REASON) };
  // The engine itself ended the batch's transaction (disk full, I/O error, lost connection): nothing of it holds,
  // so the batch fails as a whole and the device retries it later, unchanged.
  if (error instanceof TransactionAborted) throw error;
  unexpected.push([op, error]);
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { id: op.id, status: 'rejected', reason: `internal error: ${message}`.slice(0, MAX_REASON) };
}

/** Checks and stores one op whose id this transaction has just claimed (a new op type adds its case here). */
async function applyOp(db: HubDatabase, device: DeviceRow, op: Op, now: Date) {
  const scope = liveScope(db, device.classroom_id);
  await checkCommon(scope, op, now);
  switch (op.type) {
    case 'attendance.set':
    case 'note.put':
    case 'quiz.answer':
    case 'quiz.tally':
      return writeOne(db, device, await opWrite(scope, device, op), now);
    case 'practice.attempt':
    case 'exam.submit':
      return applyPracticeOp(db, scope, device, op);
  }
}

async function writeOne(db: HubDatabase, device: DeviceRow, write: OpWrite, now: Date) {
  switch (write.kind) {
    case 'attendance':
      await writeAttendance(db, [write.row]);
      return markReportDirty(db, [{ lesson_id: write.row.lesson_id, classroom_id: device.classroom_id }]);
    case 'quiz':
      await writeQuizAnswers(db, [write.row]);
      return markReportDirty(db, [{ lesson_id: write.row.lesson_id, classroom_id: write.row.classroom_id }]);
    case 'practice': // applied op by op by practice-apply.ts; here for a complete switch
      return writePracticeAttempts(db, [write.row]);
    case 'note':
      return writeNotes(db, device.classroom_id, [write], now);
  }
}
