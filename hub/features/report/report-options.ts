// What the filter selects offer: only courses, lessons, schools and classes inside the caller's scope.
import type { SqlDb } from '../../core/db/sql-db.ts';
import type { ReportScope } from './report-filter.ts';

export type ReportOptions = {
  courses: { id: string; subject: string; teacher: string }[];
  schools: { id: string; name: string }[];
  classrooms: { id: string; name: string; schoolId: string }[];
  lessons: { id: string; courseId: string; title: string; startsAt: string }[];
};

const inList = (column: string, ids: readonly string[] | null, params: string[]) => {
  if (ids === null) return '1 = 1';
  if (ids.length === 0) return '1 = 0';
  params.push(...ids);
  return `${column} IN (${ids.map(() => '?').join(', ')})`;
};

export async function reportOptions(db: SqlDb, scope: ReportScope): Promise<ReportOptions> {
  const cp: string[] = [];
  const courses = await db.all<{ id: string; subject: string; teacher: string }>(
    `SELECT c.id, c.subject, c.teacher_name AS teacher FROM courses c WHERE ${inList('c.id', scope.courseIds, cp)} ORDER BY c.id`,
    cp,
  );
  const sp: string[] = [];
  const schools = await db.all<{ id: string; name: string }>(`SELECT s.id, s.name FROM schools s WHERE s.kind = 'receiving' AND ${inList('s.id', scope.schoolIds, sp)} ORDER BY s.id`, sp);
  const rp: string[] = [];
  const classrooms = await db.all<{ id: string; name: string; schoolId: string }>(
    `SELECT cl.id, cl.name, cl.school_id AS "schoolId" FROM classrooms cl WHERE ${inList('cl.school_id', scope.schoolIds, rp)} ORDER BY cl.school_id, cl.name`,
    rp,
  );
  const lp: string[] = [];
  const lessons = await db.all<{ id: string; courseId: string; title: string; startsAt: string }>(
    `SELECT l.id, l.course_id AS "courseId", l.title, l.starts_at AS "startsAt" FROM lessons l
      WHERE ${inList('l.course_id', scope.courseIds, lp)}
        AND ${scope.schoolIds === null ? '1 = 1' : `EXISTS (SELECT 1 FROM lesson_audience a JOIN classrooms cl ON cl.id = a.classroom_id WHERE a.lesson_id = l.id AND ${inList('cl.school_id', scope.schoolIds, lp)})`}
      ORDER BY l.starts_at DESC LIMIT 2000`,
    lp,
  );
  return { courses, schools, classrooms, lessons };
}
