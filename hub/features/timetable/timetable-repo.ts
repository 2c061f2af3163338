// Lessons and rosters: every write also appends the Change each affected classroom will pull.
import type { Lesson, LessonMode, Student } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { isForeignKeyViolation } from '../../core/db/sql-db.ts';
import { HubError, accepted, refused, type Outcome } from '../../core/http/hub-error.ts';
import { markReturningClasses, markStudentReportDirty } from '../records/report-marks.ts';
import { appendChange } from './change-log.ts';

export type LessonInput = {
  id: string;
  courseId: string;
  title: string;
  startsAt: string;
  endsAt: string;
  mode: LessonMode;
  classroomIds: string[];
};

type LessonJoinRow = {
  id: string;
  course_id: string;
  title: string;
  starts_at: string;
  ends_at: string;
  mode: LessonMode;
  subject: string;
  teacher_name: string;
  lead_school_name: string;
};

async function lessonRow(db: HubDatabase, id: string) {
  return db.get<LessonJoinRow>(
    `SELECT l.*, c.subject, c.teacher_name, s.name AS lead_school_name
       FROM lessons l JOIN courses c ON c.id = l.course_id JOIN schools s ON s.id = c.lead_school_id
      WHERE l.id = ?`,
    [id],
  );
}

const toWire = (row: LessonJoinRow, classroomId: string): Lesson => ({
  id: row.id,
  classroomId,
  courseId: row.course_id,
  subject: row.subject,
  title: row.title,
  leadSchoolName: row.lead_school_name,
  teacherName: row.teacher_name,
  startsAt: row.starts_at,
  endsAt: row.ends_at,
  mode: row.mode,
});

export async function lessonAudience(db: HubDatabase, lessonId: string): Promise<string[]> {
  const rows = await db.all<{ classroom_id: string }>(`SELECT classroom_id FROM lesson_audience WHERE lesson_id = ?`, [lessonId]);
  return rows.map((r) => r.classroom_id);
}

/** Creates or replaces a lesson and its audience; classrooms dropped from the audience receive a delete. Refused
 *  (before any write) when the course or a classroom does not exist. */
export async function putLesson(db: HubDatabase, input: LessonInput, now: Date): Promise<Outcome<null>> {
  return db.transaction(async (tx) => {
    if (!(await tx.get(`SELECT 1 FROM courses WHERE id = ?`, [input.courseId]))) return refused('not_found', `course ${input.courseId}`);
    for (const c of input.classroomIds) {
      if (!(await tx.get(`SELECT 1 FROM classrooms WHERE id = ?`, [c]))) return refused('not_found', `classroom ${c}`);
    }
    const before = await lessonAudience(tx, input.id);
    await tx.run(
      `INSERT INTO lessons (id, course_id, title, starts_at, ends_at, mode) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET course_id = excluded.course_id, title = excluded.title, starts_at = excluded.starts_at,
         ends_at = excluded.ends_at, mode = excluded.mode`,
      [input.id, input.courseId, input.title, input.startsAt, input.endsAt, input.mode],
    );
    await tx.run(`DELETE FROM lesson_audience WHERE lesson_id = ?`, [input.id]);
    const row = await lessonRow(tx, input.id);
    if (!row) throw new HubError('internal', 'lesson vanished while writing it');
    for (const classroomId of new Set(input.classroomIds)) {
      await tx.run(`INSERT INTO lesson_audience (lesson_id, classroom_id) VALUES (?, ?)`, [input.id, classroomId]);
      await appendChange(tx, classroomId, { type: 'lesson.put', lesson: toWire(row, classroomId) }, now);
    }
    await markReturningClasses(tx, input.id, [...new Set(input.classroomIds)].filter((c) => !before.includes(c)));
    for (const gone of before.filter((c) => !input.classroomIds.includes(c))) {
      await appendChange(tx, gone, { type: 'lesson.delete', id: input.id }, now);
    }
    return accepted(null);
  });
}

/**
 * Deletes a lesson nothing points at. On PostgreSQL the record tables have no foreign keys (migration 15): the lesson
 * is locked first, so a push holding it (op-rules.ts) commits before its records are looked for, and a push arriving
 * later finds it gone. Quizzes, exams and packs still refuse by their keys.
 */
export async function deleteLesson(db: HubDatabase, lessonId: string, now: Date): Promise<Outcome<null>> {
  const hasRecords = refused('bad_request', `lesson ${lessonId} has classroom records (attendance, notes, quizzes or packs) and cannot be deleted`);
  try {
    return await db.transaction(async (tx) => {
      const found = await tx.get(`SELECT 1 FROM lessons WHERE id = ?${tx.dialect === 'postgres' ? ' FOR UPDATE' : ''}`, [lessonId]);
      if (!found) return refused('not_found', 'lesson');
      const records = await tx.get(
        `SELECT 1 AS found WHERE EXISTS (SELECT 1 FROM attendance WHERE lesson_id = ?) OR EXISTS (SELECT 1 FROM quiz_answers WHERE lesson_id = ?)
           OR EXISTS (SELECT 1 FROM practice_attempts WHERE lesson_id = ?) OR EXISTS (SELECT 1 FROM note_versions WHERE lesson_id = ?)`,
        [lessonId, lessonId, lessonId, lessonId],
      );
      if (records) return hasRecords;
      const audience = await lessonAudience(tx, lessonId);
      await tx.run(`DELETE FROM lessons WHERE id = ?`, [lessonId]);
      for (const classroomId of audience) await appendChange(tx, classroomId, { type: 'lesson.delete', id: lessonId }, now);
      return accepted(null);
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) return hasRecords;
    throw error;
  }
}

export async function putStudent(db: HubDatabase, student: Student, now: Date) {
  await db.transaction(async (tx) => {
    const before = await tx.get<{ classroom_id: string }>(`SELECT classroom_id FROM students WHERE id = ?`, [student.id]);
    await tx.run(
      `INSERT INTO students (id, classroom_id, name, number) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET classroom_id = excluded.classroom_id, name = excluded.name, number = excluded.number`,
      [student.id, student.classroomId, student.name, student.number],
    );
    await markStudentReportDirty(tx, student.id, [...new Set([student.classroomId, before?.classroom_id ?? student.classroomId])]);
    await appendChange(tx, student.classroomId, { type: 'student.put', student }, now);
  });
}

/** Whether `lessonId` is on `classroomId`'s timetable: the rule for every device write and live join. */
export async function isLessonForClassroom(db: HubDatabase, lessonId: string, classroomId: string): Promise<boolean> {
  return (await db.get(`SELECT 1 FROM lesson_audience WHERE lesson_id = ? AND classroom_id = ?`, [lessonId, classroomId])) !== undefined;
}
