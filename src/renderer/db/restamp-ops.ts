// Ops the hub refused as stamped too far ahead (`hlc_ahead`: made while the PC's clock ran fast, before the hub told it
// the right time) get fresh timestamps from the corrected clock, in their original order, and go back to pending —
// with the records they wrote, and every note version that names a re-stamped one as its base. Nothing the teacher
// entered is dropped, and the hub never keeps a record in the future.
import { HLC_AHEAD } from '../../shared/hlc.ts';
import type { AppDb, OutboxRow } from './app-db.ts';

const remap = (hlcs: Map<string, string>, hlc: string) => hlcs.get(hlc) ?? hlc;

/** Must run inside a rw transaction over outbox, attendance, notes and quizAnswers. Returns how many were re-stamped. */
export async function restampRefusedAhead(db: AppDb, tick: () => string): Promise<number> {
  const refused = (await db.outbox.where('status').equals('rejected').sortBy('seq')).filter((r) => r.reason?.startsWith(HLC_AHEAD));
  if (refused.length === 0) return 0;
  const refusedSeqs = new Set(refused.map((r) => r.seq));
  const renamed = new Map<string, string>();
  for (const row of refused) renamed.set(row.op.hlc, tick());

  // Every op may name a re-stamped note version as its base or among those it merges (not only the refused ones).
  const rows = await db.outbox.toArray();
  const updates: { key: number; changes: Partial<OutboxRow> }[] = [];
  for (const row of rows) {
    const op = { ...row.op, hlc: remap(renamed, row.op.hlc) };
    if (op.type === 'note.put') {
      op.baseHlc = op.baseHlc === null ? null : remap(renamed, op.baseHlc);
      op.merges = op.merges.map((h) => remap(renamed, h));
    }
    const wasRefused = refusedSeqs.has(row.seq);
    if (wasRefused || JSON.stringify(op) !== JSON.stringify(row.op)) {
      updates.push({ key: row.seq ?? 0, changes: wasRefused ? { op, status: 'pending', reason: undefined, attempts: 0 } : { op } });
    }
  }
  await db.outbox.bulkUpdate(updates);

  for (const row of refused) {
    const { op } = row;
    const hlc = remap(renamed, op.hlc);
    if (op.type === 'attendance.set') {
      await db.attendance.where({ lessonId: op.lessonId, studentId: op.studentId }).modify((a) => {
        if (a.hlc === op.hlc) a.hlc = hlc;
      });
    } else if (op.type === 'quiz.answer' || op.type === 'quiz.tally') {
      await db.quizAnswers.update(op.id, { hlc });
    }
  }
  const noteIds = [...new Set(refused.flatMap((r) => (r.op.type === 'note.put' ? [r.op.noteId] : [])))];
  for (const note of (await db.notes.bulkGet(noteIds)).filter((n) => n !== undefined)) {
    const current = { ...note.current, hlc: remap(renamed, note.current.hlc), baseHlc: note.current.baseHlc === null ? null : remap(renamed, note.current.baseHlc) };
    await db.notes.put({ ...note, current: { ...current, merges: current.merges.map((h) => remap(renamed, h)) }, known: note.known.map((h) => remap(renamed, h)) });
  }
  return refused.length;
}
