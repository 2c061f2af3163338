// 联合教研 on 二次备课: per lesson, every receiving classroom's latest note versions side by side with the lead side's
// replies and 优秀做法 marks; new feedback goes to classrooms through the change log (a reply to the note's classroom,
// a 优秀做法 to every classroom of the lesson). Scoped by the staff scope: a lead teacher only on their courses, a
// receiving-school head reads their school's notes only and writes nothing. Feedback is withdrawn by its author or a
// county admin: the row is kept (withdrawn_at/by) and the same classrooms get a `note.feedback.withdraw` change.
import { randomBytes } from 'node:crypto';
import { NoteAnchor, type NoteFeedback } from '../../../src/shared/protocol.ts';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { accepted, refused, type Outcome } from '../../core/http/hub-error.ts';
import type { StaffScope } from '../staff/staff-repo.ts';
import { appendChange } from '../timetable/change-log.ts';
import { lessonAudience } from '../timetable/timetable-repo.ts';

export type ResearchNote = {
  noteId: string;
  classroomId: string;
  classroom: string;
  school: string;
  anchor: NoteAnchor;
  text: string;
  pause: boolean;
  feedback: ResearchFeedback[];
};
/** `canWithdraw`: this account may take it back (its author, a county admin). Withdrawn feedback is listed to them only. */
export type ResearchFeedback = { id: string; kind: 'reply' | 'good'; text: string; author: string; createdAt: string; withdrawnAt: string | null; canWithdraw: boolean };
export type ResearchLesson = { lessonId: string; title: string; subject: string; startsAt: string; classrooms: { id: string; name: string; school: string; notes: ResearchNote[] }[] };

const inList = (column: string, ids: readonly string[] | null, params: string[]) => {
  if (ids === null) return '1 = 1';
  if (ids.length === 0) return '1 = 0';
  params.push(...ids);
  return `${column} IN (${ids.map(() => '?').join(', ')})`;
};

/** The lesson if the scope covers it (lead: its course; head: one of its classrooms is the school's), else not_found. */
async function lessonInScope(db: SqlDb, lessonId: string, scope: StaffScope): Promise<Outcome<{ id: string; title: string; subject: string; starts_at: string }>> {
  const params = [lessonId];
  const lesson = await db.get<{ id: string; title: string; subject: string; starts_at: string }>(
    `SELECT l.id, l.title, c.subject, l.starts_at FROM lessons l JOIN courses c ON c.id = l.course_id WHERE l.id = ? AND ${inList('l.course_id', scope.courseIds, params)}
        AND ${scope.schoolIds === null ? '1 = 1' : `EXISTS (SELECT 1 FROM lesson_audience a JOIN classrooms cl ON cl.id = a.classroom_id WHERE a.lesson_id = l.id AND ${inList('cl.school_id', scope.schoolIds, params)})`}`,
    params,
  );
  return lesson ? accepted(lesson) : refused('not_found', 'lesson (or not one of your courses)');
}

/** Lessons of the scope with at least one note, newest first (what the 联合教研 list offers). */
export async function lessonsWithNotes(db: SqlDb, scope: StaffScope) {
  const params: string[] = [];
  return db.all<{ lessonId: string; title: string; subject: string; startsAt: string; notes: number }>(
    `SELECT l.id AS "lessonId", l.title, c.subject, l.starts_at AS "startsAt", count(DISTINCT n.note_id) AS notes
       FROM note_versions n JOIN lessons l ON l.id = n.lesson_id JOIN courses c ON c.id = l.course_id JOIN classrooms cl ON cl.id = n.classroom_id
      WHERE ${inList('l.course_id', scope.courseIds, params)} AND ${inList('cl.school_id', scope.schoolIds, params)}
      GROUP BY l.id, l.title, c.subject, l.starts_at ORDER BY l.starts_at DESC LIMIT 500`,
    params,
  );
}

export async function researchLesson(db: SqlDb, lessonId: string, scope: StaffScope): Promise<Outcome<ResearchLesson>> {
  const inScope = await lessonInScope(db, lessonId, scope);
  if (!inScope.ok) return inScope;
  const lesson = inScope.value;
  const cp = [lessonId];
  const classrooms = await db.all<{ id: string; name: string; school: string }>(
    `SELECT cl.id, cl.name, s.name AS school FROM lesson_audience a JOIN classrooms cl ON cl.id = a.classroom_id JOIN schools s ON s.id = cl.school_id
      WHERE a.lesson_id = ? AND ${inList('cl.school_id', scope.schoolIds, cp)} ORDER BY s.name, cl.name`,
    cp,
  );
  // The latest version of each note (a conflict shows its newest side; the classroom resolves it).
  const versions = await db.all<{ note_id: string; classroom_id: string; anchor: string; text: string; pause: number; deleted: number }>(
    `SELECT n.note_id, n.classroom_id, n.anchor, n.text, n.pause, n.deleted FROM note_versions n
      WHERE n.lesson_id = ? AND n.hlc = (SELECT max(m.hlc) FROM note_versions m WHERE m.note_id = n.note_id)`,
    [lessonId],
  );
  const rows = await db.all<{ id: string; note_id: string; account_id: string; kind: 'reply' | 'good'; text: string; author: string; created_at: string; withdrawn_at: string | null }>(
    `SELECT f.id, f.note_id, f.account_id, f.kind, f.text, a.display_name AS author, f.created_at, f.withdrawn_at FROM note_feedback f JOIN staff_accounts a ON a.id = f.account_id
      WHERE f.lesson_id = ? ORDER BY f.created_at, f.id`,
    [lessonId],
  );
  const feedback = rows
    .map((f) => ({ ...f, canWithdraw: mayWithdraw(scope, f.account_id) }))
    .filter((f) => f.withdrawn_at === null || f.canWithdraw);
  return accepted({
    lessonId,
    title: lesson.title,
    subject: lesson.subject,
    startsAt: lesson.starts_at,
    classrooms: classrooms.map((c) => ({
      ...c,
      notes: versions
        .filter((v) => v.classroom_id === c.id && !v.deleted)
        .map((v) => ({
          noteId: v.note_id,
          classroomId: c.id,
          classroom: c.name,
          school: c.school,
          anchor: NoteAnchor.parse(JSON.parse(v.anchor)),
          text: v.text,
          pause: v.pause === 1,
          feedback: feedback
            .filter((f) => f.note_id === v.note_id)
            .map((f) => ({ id: f.id, kind: f.kind, text: f.text, author: f.author, createdAt: f.created_at, withdrawnAt: f.withdrawn_at, canWithdraw: f.canWithdraw })),
        })),
    })),
  });
}

/** A reply or a 优秀做法 mark: stored, and put in the change log of the classrooms that are to see it. */
export async function addFeedback(db: SqlDb, scope: StaffScope, input: { noteId: string; kind: 'reply' | 'good'; text: string }, now: Date): Promise<Outcome<NoteFeedback>> {
  if (scope.role === 'head') return refused('forbidden', 'receiving-school heads read 联合教研 but do not reply');
  const note = await db.get<{ lesson_id: string; classroom_id: string; anchor: string; text: string; pause: number; classroom: string; school: string }>(
    `SELECT n.lesson_id, n.classroom_id, n.anchor, n.text, n.pause, cl.name AS classroom, s.name AS school FROM note_versions n
       JOIN classrooms cl ON cl.id = n.classroom_id JOIN schools s ON s.id = cl.school_id
      WHERE n.note_id = ? AND n.deleted = 0 ORDER BY n.hlc DESC LIMIT 1`,
    [input.noteId],
  );
  if (!note) return refused('not_found', 'note');
  const inScope = await lessonInScope(db, note.lesson_id, scope);
  if (!inScope.ok) return inScope;
  const feedback: NoteFeedback = {
    id: `fb_${randomBytes(8).toString('hex')}`,
    noteId: input.noteId,
    lessonId: note.lesson_id,
    kind: input.kind,
    text: input.text,
    author: scope.displayName,
    createdAt: now.toISOString(),
    note: { classroom: note.classroom, school: note.school, anchor: NoteAnchor.parse(JSON.parse(note.anchor)), text: note.text, pause: note.pause === 1 },
  };
  await db.transaction(async (tx) => {
    await tx.run(`INSERT INTO note_feedback (id, note_id, lesson_id, classroom_id, account_id, kind, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
      feedback.id,
      feedback.noteId,
      feedback.lessonId,
      note.classroom_id,
      scope.accountId,
      feedback.kind,
      feedback.text,
      feedback.createdAt,
    ]);
    const to = input.kind === 'reply' ? [note.classroom_id] : await lessonAudience(tx, note.lesson_id);
    for (const classroomId of to) await appendChange(tx, classroomId, { type: 'note.feedback', feedback }, now);
  });
  return accepted(feedback);
}

/** Who may take feedback back: its author, or a county admin (a head never wrote any, and never withdraws). */
const mayWithdraw = (scope: StaffScope, authorId: string) => scope.role === 'county' || (scope.role === 'lead' && scope.accountId === authorId);

export type Withdrawal = { feedbackId: string; withdrawnAt: string; alreadyWithdrawn: boolean };

/**
 * Takes a reply or 优秀做法 mark back: refused like posting (a head: forbidden; not in the scope: not_found), and
 * another teacher's feedback is forbidden. Withdrawing twice answers the first withdrawal and sends nothing again.
 */
export async function withdrawFeedback(db: SqlDb, scope: StaffScope, feedbackId: string, now: Date): Promise<Outcome<Withdrawal>> {
  if (scope.role === 'head') return refused('forbidden', 'receiving-school heads read 联合教研 but do not withdraw feedback');
  const found = await db.get<{ lesson_id: string; classroom_id: string; account_id: string; kind: 'reply' | 'good'; withdrawn_at: string | null }>(
    `SELECT lesson_id, classroom_id, account_id, kind, withdrawn_at FROM note_feedback WHERE id = ?`,
    [feedbackId],
  );
  if (!found || !(await lessonInScope(db, found.lesson_id, scope)).ok) return refused('not_found', 'feedback (or not on one of your courses)');
  if (!mayWithdraw(scope, found.account_id)) return refused('forbidden', 'only its author or a county admin withdraws feedback');
  if (found.withdrawn_at !== null) return accepted({ feedbackId, withdrawnAt: found.withdrawn_at, alreadyWithdrawn: true });
  return db.transaction(async (tx) => {
    const withdrawnAt = now.toISOString();
    // Two withdrawals at once (a double click, a retry over a slow link): the row decides which one sends the change.
    const { changes } = await tx.run(`UPDATE note_feedback SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ? AND withdrawn_at IS NULL`, [withdrawnAt, scope.accountId, feedbackId]);
    if (changes === 0) {
      const first = await tx.get<{ withdrawn_at: string }>(`SELECT withdrawn_at FROM note_feedback WHERE id = ?`, [feedbackId]);
      return accepted({ feedbackId, withdrawnAt: first?.withdrawn_at ?? withdrawnAt, alreadyWithdrawn: true });
    }
    // The classrooms it went to: the note's for a reply, the lesson's for a 优秀做法 (addFeedback's rule).
    const to = found.kind === 'reply' ? [found.classroom_id] : await lessonAudience(tx, found.lesson_id);
    for (const classroomId of to) await appendChange(tx, classroomId, { type: 'note.feedback.withdraw', feedbackId }, now);
    return accepted({ feedbackId, withdrawnAt, alreadyWithdrawn: false });
  });
}
