// The per-classroom change log devices pull by cursor. Every write that a device should see appends one protocol
// Change here in the same transaction as the write, so a device never misses or half-sees an update.
import { Change } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { jsonParam, jsonRows } from '../../core/db/sql-db.ts';

// On PostgreSQL two transactions can draw seq 10 and 11 and commit 11 first: a device pulling in between would move
// its cursor past 10 and never see it. Taking the classroom's lock before drawing a number (held to commit) makes
// commit order follow seq within a classroom, which is all a cursor needs. (SQLite has one writer at a time anyway.)
/** Takes the classroom's change-log lock until the transaction ends (PostgreSQL; re-entrant; a no-op on SQLite). */
export async function lockClassroomLog(tx: HubDatabase, classroomId: string) {
  if (tx.dialect === 'postgres') await tx.get(`SELECT pg_advisory_xact_lock(hashtextextended(?, 7))`, [classroomId]);
}

export async function appendChange(db: HubDatabase, classroomId: string, change: Change, now: Date) {
  await db.transaction(async (tx) => {
    await lockClassroomLog(tx, classroomId);
    await appendChangesLocked(tx, classroomId, [change], now);
  });
}

/**
 * Appends `changes` in their order, in one statement (a pushed batch's note versions). Only in a transaction that
 * already holds lockClassroomLog(classroomId) — the caller took it first so the lock costs no extra round trip here.
 */
export async function appendChangesLocked(tx: HubDatabase, classroomId: string, changes: readonly Change[], now: Date) {
  if (changes.length === 0) return;
  const rows = changes.map((change, ord) => ({ ord, payload: JSON.stringify(Change.parse(change)) }));
  // Rows get their seq in the order the SELECT yields them: ORDER BY ord keeps the batch's order in the log.
  await tx.run(`INSERT INTO changes (classroom_id, payload, created_at) SELECT ?, payload, ? FROM ${jsonRows(tx, { ord: 'integer', payload: 'text' })} AS input ORDER BY ord`, [
    classroomId,
    now.toISOString(),
    jsonParam(rows),
  ]);
}

/** Told about a stored change that no longer parses (damaged, or written by another hub version): it is skipped. */
export type OnSkippedChange = (seq: number, reason: string) => void;

export async function changesSince(db: HubDatabase, classroomId: string, cursor: number, limit: number, onSkipped: OnSkippedChange = () => {}) {
  const rows = await db.all<{ seq: number; payload: string }>(`SELECT seq, payload FROM changes WHERE classroom_id = ? AND seq > ? ORDER BY seq LIMIT ?`, [
    classroomId,
    cursor,
    limit + 1,
  ]);
  const page = rows.slice(0, limit);
  // One row that does not parse must not stop the classroom's pulls for ever: skip it (the cursor moves past it) and
  // say so in the hub's log, where it can be repaired and re-published.
  const changes = page.flatMap((r) => {
    const parsed = parseStored(r.payload);
    if (parsed.success) return [parsed.data];
    onSkipped(r.seq, parsed.reason);
    return [];
  });
  return { changes, cursor: page.at(-1)?.seq ?? cursor, hasMore: rows.length > limit };
}

function parseStored(payload: string): { success: true; data: Change } | { success: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch (error) {
    return { success: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = Change.safeParse(json);
  if (parsed.success) return { success: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  return { success: false, reason: `not a Change: ${issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid'}` };
}
