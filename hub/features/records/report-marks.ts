// Marks on the (lesson, classroom) pairs whose report aggregates (hub/features/report/report-aggregates.ts) must be recomputed,
// written in the transaction that changed their rows: a push's attendance and answers, a student put again. A fresh
// random mark replaces an older one, so a recomputation that read the older mark leaves the pair marked.
import { randomUUID } from 'node:crypto';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { jsonParam, jsonRows } from '../../core/db/sql-db.ts';

/** One statement for a batch's pairs. Sorted, so two transactions lock the marks in one order (no deadlock on PostgreSQL). */
export async function markReportDirty(db: SqlDb, pairs: readonly { lesson_id: string; classroom_id: string }[]) {
  if (pairs.length === 0) return;
  const mark = randomUUID();
  const unique = new Map(pairs.map((p) => [`${p.lesson_id}\u0000${p.classroom_id}`, { lesson_id: p.lesson_id, classroom_id: p.classroom_id, mark }]));
  const rows = [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  await db.run(
    `INSERT INTO report_dirty (lesson_id, classroom_id, mark)
     SELECT lesson_id, classroom_id, mark FROM ${jsonRows(db, { lesson_id: 'text', classroom_id: 'text', mark: 'text' })} AS input WHERE true
     ON CONFLICT (lesson_id, classroom_id) DO UPDATE SET mark = excluded.mark`,
    [jsonParam(rows)],
  );
}

/**
 * A student put again may have changed class or name: the pairs their attendance counts in (by the student's class,
 * before and after) and their answers count in are marked.
 */
export async function markStudentReportDirty(tx: SqlDb, studentId: string, classroomIds: readonly string[]) {
  const mark = randomUUID();
  await tx.run(
    `INSERT INTO report_dirty (lesson_id, classroom_id, mark)
     SELECT a.lesson_id, a.classroom_id, CAST(? AS TEXT) FROM lesson_audience a
      WHERE a.classroom_id IN (${classroomIds.map(() => '?').join(', ')}) AND EXISTS (SELECT 1 FROM attendance t WHERE t.lesson_id = a.lesson_id AND t.student_id = ?)
     UNION SELECT DISTINCT q.lesson_id, q.classroom_id, CAST(? AS TEXT) FROM quiz_answers q WHERE q.student_id = ?
     ON CONFLICT (lesson_id, classroom_id) DO UPDATE SET mark = excluded.mark`,
    [mark, ...classroomIds, studentId, mark, studentId],
  );
}

/**
 * Classes put back on a lesson's audience: their aggregates (if any) are from before they left, so they are marked. A
 * class new to the lesson has none, and reads as no records until a push marks it.
 */
export async function markReturningClasses(tx: SqlDb, lessonId: string, classroomIds: readonly string[]) {
  if (classroomIds.length === 0) return;
  await tx.run(
    `INSERT INTO report_dirty (lesson_id, classroom_id, mark)
     SELECT r.lesson_id, r.classroom_id, CAST(? AS TEXT) FROM report_class_lesson r WHERE r.lesson_id = ? AND r.classroom_id IN (${classroomIds.map(() => '?').join(', ')})
     ON CONFLICT (lesson_id, classroom_id) DO UPDATE SET mark = excluded.mark`,
    [randomUUID(), lessonId, ...classroomIds],
  );
}
