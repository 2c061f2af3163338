// The per-classroom change log devices pull by cursor. Every write that a device should see appends one protocol
// Change here in the same transaction as the write, so a device never misses or half-sees an update.
import { Change } from '../../src/shared/protocol.ts';
import type { HubDatabase } from '../db/open-database.ts';

export function appendChange(db: HubDatabase, classroomId: string, change: Change, now: Date) {
  db.prepare(`INSERT INTO changes (classroom_id, payload, created_at) VALUES (?, ?, ?)`).run(
    classroomId,
    JSON.stringify(Change.parse(change)),
    now.toISOString(),
  );
}

export function changesSince(db: HubDatabase, classroomId: string, cursor: number, limit: number) {
  const rows = db
    .prepare(`SELECT seq, payload FROM changes WHERE classroom_id = ? AND seq > ? ORDER BY seq LIMIT ?`)
    .all(classroomId, cursor, limit + 1) as { seq: number; payload: string }[];
  const page = rows.slice(0, limit);
  return {
    changes: page.map((r) => Change.parse(JSON.parse(r.payload))),
    cursor: page.at(-1)?.seq ?? cursor,
    hasMore: rows.length > limit,
  };
}
