// Lessons and rosters: every write also appends the Change each affected classroom will pull.
import type { Lesson, LessonMode, Student } from '../../src/shared/protocol.ts';
import type { HubDatabase } from '../db/open-database.ts';
import { HubError } from '../http/hub-error.ts';
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

function lessonRow(db: HubDatabase, id: string) {
  return db
    .prepare(
      `SELECT l.*, c.subject, c.teacher_name, s.name AS lead_school_name
         FROM lessons l JOIN courses c ON c.id = l.course_id JOIN schools s ON s.id = c.lead_school_id
        WHERE l.id = ?`,
    )
    .get(id) as LessonJoinRow | undefined;
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

export function lessonAudience(db: HubDatabase, lessonId: string): string[] {
  return (db.prepare(`SELECT classroom_id FROM lesson_audience WHERE lesson_id = ?`).all(lessonId) as { classroom_id: string }[]).map(
    (r) => r.classroom_id,
  );
}

/** Creates or replaces a lesson and its audience; classrooms dropped from the audience receive a delete. */
export function putLesson(db: HubDatabase, input: LessonInput, now: Date) {
  db.transaction(() => {
    if (!db.prepare(`SELECT 1 FROM courses WHERE id = ?`).get(input.courseId)) throw new HubError('not_found', `course ${input.courseId}`);
    for (const c of input.classroomIds) {
      if (!db.prepare(`SELECT 1 FROM classrooms WHERE id = ?`).get(c)) throw new HubError('not_found', `classroom ${c}`);
    }
    const before = lessonAudience(db, input.id);
    db.prepare(
      `INSERT INTO lessons (id, course_id, title, starts_at, ends_at, mode) VALUES (@id, @courseId, @title, @startsAt, @endsAt, @mode)
       ON CONFLICT (id) DO UPDATE SET course_id = @courseId, title = @title, starts_at = @startsAt, ends_at = @endsAt, mode = @mode`,
    ).run(input);
    db.prepare(`DELETE FROM lesson_audience WHERE lesson_id = ?`).run(input.id);
    const addAudience = db.prepare(`INSERT INTO lesson_audience (lesson_id, classroom_id) VALUES (?, ?)`);
    const row = lessonRow(db, input.id);
    if (!row) throw new HubError('internal', 'lesson vanished while writing it');
    for (const classroomId of new Set(input.classroomIds)) {
      addAudience.run(input.id, classroomId);
      appendChange(db, classroomId, { type: 'lesson.put', lesson: toWire(row, classroomId) }, now);
    }
    for (const gone of before.filter((c) => !input.classroomIds.includes(c))) {
      appendChange(db, gone, { type: 'lesson.delete', id: input.id }, now);
    }
  })();
}

export function deleteLesson(db: HubDatabase, lessonId: string, now: Date): boolean {
  return db.transaction(() => {
    const audience = lessonAudience(db, lessonId);
    const deleted = db.prepare(`DELETE FROM lessons WHERE id = ?`).run(lessonId).changes > 0;
    for (const classroomId of audience) appendChange(db, classroomId, { type: 'lesson.delete', id: lessonId }, now);
    return deleted;
  })();
}

export function putStudent(db: HubDatabase, student: Student, now: Date) {
  db.transaction(() => {
    db.prepare(
      `INSERT INTO students (id, classroom_id, name, number) VALUES (@id, @classroomId, @name, @number)
       ON CONFLICT (id) DO UPDATE SET classroom_id = @classroomId, name = @name, number = @number`,
    ).run(student);
    appendChange(db, student.classroomId, { type: 'student.put', student }, now);
  })();
}

/** Whether `lessonId` is on `classroomId`'s timetable: the rule for every device write and live join. */
export function isLessonForClassroom(db: HubDatabase, lessonId: string, classroomId: string): boolean {
  return db.prepare(`SELECT 1 FROM lesson_audience WHERE lesson_id = ? AND classroom_id = ?`).get(lessonId, classroomId) !== undefined;
}
