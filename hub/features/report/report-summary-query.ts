// The report's first answer, whatever the selection's size: per lesson and per school added up in the engine from the
// aggregates (two GROUP BY scans, no per-class row leaves the database), per question as in report-query.ts, and per
// week, totals and the worst questions made from the lessons (report-summary.ts fromLessons). The rule is
// summariseRows' over the class rows (report-aggregates.test.ts holds the two equal): a class-lesson counts unless its
// lesson is outside the exact date range, or has not started and holds no records.
import { inJsonList, jsonParam, type SqlDb } from '../../core/db/sql-db.ts';
import { refreshIfFew } from './report-aggregates.ts';
import { audienceWhere, inRange, type ReportFilter, type ReportScope } from './report-filter.ts';
import { AUDIENCE, queryLessonQuestions, REQUEST_REFRESH_LIMIT, ROSTERS } from './report-query.ts';
import { bySchool, byLessonOrder, fromLessons, noTotals, settleQuestions } from './report-summary.ts';
import type { LessonSummary, ReportSummary, SchoolSummary } from './report-view.ts';

type Sums = { classes: number; roster: number; attended: number; taken_roster: number; answered: number; correct: number; need_help: number };

const TAKEN = '(r.present + r.absent + r.late + r.leave) > 0';
const ROSTER = 'coalesce(ro.n, 0)';
const SUMS = `count(*) AS classes, sum(${ROSTER}) AS roster,
  sum(CASE WHEN ${TAKEN} THEN ${ROSTER} ELSE 0 END) AS taken_roster,
  sum(CASE WHEN ${TAKEN} AND ${ROSTER} - r.absent - r.leave > 0 THEN ${ROSTER} - r.absent - r.leave ELSE 0 END) AS attended,
  sum(coalesce(r.quiz_answered, 0)) AS answered, sum(coalesce(r.quiz_correct, 0)) AS correct, sum(coalesce(r.need_help_count, 0)) AS need_help`;

const totalsOf = (s: Sums) => ({
  classes: Number(s.classes),
  roster: Number(s.roster),
  attended: Number(s.attended),
  takenRoster: Number(s.taken_roster),
  answered: Number(s.answered),
  correct: Number(s.correct),
  needHelp: Number(s.need_help),
});

export async function queryReportSummary(db: SqlDb, filter: ReportFilter, scope: ReportScope, now: Date): Promise<ReportSummary> {
  const where = audienceWhere(filter, scope);
  const { pending } = await refreshIfFew(db, where, REQUEST_REFRESH_LIMIT);
  const lessonInfo = await db.all<{ id: string; starts_at: string; subject: string; title: string }>(
    `SELECT l.id, l.starts_at, c.subject, l.title FROM lessons l JOIN courses c ON c.id = l.course_id WHERE l.id IN (SELECT a.lesson_id FROM ${AUDIENCE} WHERE ${where.sql})`,
    where.params,
  );
  const outside = lessonInfo.filter((l) => !inRange(l.starts_at, filter)).map((l) => l.id);
  const notStarted = lessonInfo.filter((l) => Date.parse(l.starts_at) > now.getTime()).map((l) => l.id);
  const counted = `${where.sql} AND NOT ${inJsonList(db, 'a.lesson_id')}
    AND (coalesce(r.recorded, 0) > 0 OR r.quiz_answered IS NOT NULL OR NOT ${inJsonList(db, 'a.lesson_id')})`;
  const params = [...where.params, jsonParam(outside), jsonParam(notStarted)];
  const from = `${AUDIENCE} LEFT JOIN report_class_lesson r ON r.lesson_id = a.lesson_id AND r.classroom_id = a.classroom_id
    LEFT JOIN ${ROSTERS} ro ON ro.classroom_id = a.classroom_id`;

  const info = new Map(lessonInfo.map((l) => [l.id, l]));
  // The three scans at once: on PostgreSQL each takes its own pooled connection (and core); SQLite runs them in turn.
  const [perLesson, questions, perSchool] = await Promise.all([
    db.all<Sums & { lesson_id: string }>(`SELECT a.lesson_id, ${SUMS} FROM ${from} WHERE ${counted} GROUP BY a.lesson_id`, params),
    queryLessonQuestions(db, where, new Set(lessonInfo.filter((l) => !outside.includes(l.id)).map((l) => l.id))),
    db.all<Sums & { school_id: string; school: string; lessons: number }>(
      `SELECT cl.school_id, s.name AS school, count(DISTINCT a.lesson_id) AS lessons, ${SUMS}
         FROM ${from} JOIN schools s ON s.id = cl.school_id WHERE ${counted} GROUP BY cl.school_id, s.name`,
      params,
    ),
  ]);
  const lessons = new Map<string, LessonSummary>();
  for (const s of perLesson) {
    const l = info.get(s.lesson_id);
    if (l) lessons.set(l.id, { lessonId: l.id, startsAt: l.starts_at, subject: l.subject, title: l.title, ...totalsOf(s), questions: [], hardestQuestionId: null });
  }
  for (const { lessonId, ...q } of questions) lessons.get(lessonId)?.questions.push(q);
  for (const l of lessons.values()) settleQuestions(l);
  const schools: SchoolSummary[] = perSchool.map((s) => ({ ...noTotals(), ...totalsOf(s), lessons: Number(s.lessons), schoolId: s.school_id, school: s.school }));
  return fromLessons([...lessons.values()].sort(byLessonOrder), schools.sort(bySchool), pending);
}
