// Ops the hub refused as stamped too far ahead (`hlc_ahead`: made while the PC's clock ran fast, before the hub told it
// the right time) get fresh timestamps from the corrected clock, in their original order, and are due again at once —
// with the records they wrote, and every note version that names a re-stamped one as its base. Nothing the teacher
// entered is dropped, and the hub never keeps a record in the future.
import { HLC_AHEAD } from '../../shared/hlc.ts';
import type { AppDb, OutboxRow } from './app-db.ts';
import { readOutboxRows, type OutboxEntry } from './outbox-rows.ts';

const remap = (hlcs: Map<string, string>, hlc: string) => hlcs.get(hlc) ?? hlc;
const refusedAsAhead = (row: OutboxEntry) => row.lastError?.code === 'rejected' && row.lastError.detail.startsWith(`${HLC_AHEAD}:`);

/** Must run inside a rw transaction over outbox, attendance, notes and quizAnswers. Returns how many were re-stamped. */
export async function restampRefusedAhead(db: AppDb, tick: () => string): Promise<number> {
  const keys = (await db.outbox.orderBy('seq').primaryKeys()) as number[];
  const { rows } = readOutboxRows(keys, await db.outbox.bulkGet(keys)); // rows that do not parse are the outbox's concern
  const refused = rows.filter(refusedAsAhead);
  if (refused.length === 0) return 0;
  const refusedSeqs = new Set(refused.map((r) => r.seq));
  const renamed = new Map<string, string>();
  for (const row of refused) renamed.set(row.op.hlc, tick());

  // Every op may name a re-stamped note version as its base or among those it merges (not only the refused ones).
  for (const row of rows) {
    const op = { ...row.op, hlc: remap(renamed, row.op.hlc) };
    if (op.type === 'note.put') {
      op.baseHlc = op.baseHlc === null ? null : remap(renamed, op.baseHlc);
      op.merges = op.merges.map((h) => remap(renamed, h));
    }
    if (refusedSeqs.has(row.seq)) {
      const due: Partial<OutboxRow> = { op, status: 'pending', attempts: 0, retryAt: undefined, lastError: undefined };
      await db.outbox.update(row.seq, due);
    } else if (JSON.stringify(op) !== JSON.stringify(row.op)) await db.outbox.update(row.seq, { op });
  }

  for (const { op } of refused) {
    const hlc = remap(renamed, op.hlc);
    if (op.type === 'attendance.set') {
      await db.attendance.where({ lessonId: op.lessonId, studentId: op.studentId }).modify((a) => {
        if (a.hlc === op.hlc) a.hlc = hlc;
      });
    } else if (op.type === 'quiz.answer' || op.type === 'quiz.tally') {
      await db.quizAnswers.update(op.id, { hlc });
    }
  }
  const noteIds = [...new Set(refused.flatMap(({ op }) => (op.type === 'note.put' ? [op.noteId] : [])))];
  for (const note of (await db.notes.bulkGet(noteIds)).filter((n) => n !== undefined)) {
    const { current } = note;
    await db.notes.put({
      ...note,
      current: { ...current, hlc: remap(renamed, current.hlc), baseHlc: current.baseHlc === null ? null : remap(renamed, current.baseHlc), merges: current.merges.map((h) => remap(renamed, h)) },
      known: note.known.map((h) => remap(renamed, h)),
    });
  }
  return refused.length;
}
