// The lead school's report in detail, scoped and filtered, read from the aggregates per (lesson, classroom)
// (report-aggregates.ts): one row per lesson and class (attendance, 随堂测 accuracy, who needs help), per question across
// classes, and weekly trends per class and, for one class, per student. The page asks for these on demand, a page of
// rows at a time (report-summary-query.ts answers its first view); the exports take them whole. Rosters are counted
// live (cheap, and a roster change then needs no mark).
import { summariseAttendance, type AttendanceSummary } from '../../../src/shared/attendance-summary.ts';
import { Quiz } from '../../../src/shared/protocol.ts';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { refreshIfFew } from './report-aggregates.ts';
import { audienceWhere, inRange, type ReportFilter, type ReportScope } from './report-filter.ts';
import { summariseRows, trendsOf, type LessonQuestionStat } from './report-summary.ts';
import { byZh, chinaWeek, CLASS_WRONG_BELOW, CLASSES_PAGE_SIZE, type ClassesPage, type ReportView, type StudentWeek } from './report-view.ts';

export type ClassRow = {
  lessonId: string;
  startsAt: string;
  courseId: string;
  subject: string;
  title: string;
  classroomId: string;
  classroom: string;
  schoolId: string;
  school: string;
  roster: number;
  attendance: AttendanceSummary & { recorded: number };
  quiz: { answered: number; correct: number } | null;
  needHelp: string[];
};

type Where = { sql: string; params: string[] };
type AudienceRow = {
  lesson_id: string;
  starts_at: string;
  course_id: string;
  subject: string;
  title: string;
  classroom_id: string;
  classroom: string;
  school_id: string;
  school: string;
  roster: number | null;
  present: number | null;
  absent: number | null;
  late: number | null;
  leave: number | null;
  recorded: number | null;
  quiz_answered: number | null;
  quiz_correct: number | null;
  need_help: string | null;
};

export const AUDIENCE = 'lesson_audience a JOIN lessons l ON l.id = a.lesson_id JOIN classrooms cl ON cl.id = a.classroom_id';
/** Class sizes, counted live. */
export const ROSTERS = '(SELECT classroom_id, count(*) AS n FROM students GROUP BY classroom_id)';
/**
 * Marked pairs a request recomputes itself before answering (a lesson's classes pushed since the last look); with more
 * it answers at once with `pending` and leaves them to the background refresher (report-refresher.ts).
 */
export const REQUEST_REFRESH_LIMIT = 100;

/** Lessons that have not started by `now` and hold no records are left out: nothing is expected of them yet (not 未考勤). */
export async function queryClassRows(db: SqlDb, filter: ReportFilter, where: Where, now: Date): Promise<ClassRow[]> {
  const audience = (
    await db.all<AudienceRow>(
      `SELECT l.id AS lesson_id, l.starts_at, l.course_id, c.subject, l.title, a.classroom_id, cl.name AS classroom, s.id AS school_id, s.name AS school, ro.n AS roster,
              r.present, r.absent, r.late, r.leave, r.recorded, r.quiz_answered, r.quiz_correct, r.need_help
         FROM ${AUDIENCE} JOIN courses c ON c.id = l.course_id JOIN schools s ON s.id = cl.school_id
         LEFT JOIN report_class_lesson r ON r.lesson_id = a.lesson_id AND r.classroom_id = a.classroom_id
         LEFT JOIN ${ROSTERS} ro ON ro.classroom_id = a.classroom_id
        WHERE ${where.sql}`,
      where.params,
    )
  ).filter((r) => inRange(r.starts_at, filter));
  const started = (r: AudienceRow) => Date.parse(r.starts_at) <= now.getTime();
  const rows: ClassRow[] = audience.flatMap((r) => {
    const roster = Number(r.roster ?? 0);
    const recorded = Number(r.recorded ?? 0);
    const quiz = r.quiz_answered === null ? null : { answered: Number(r.quiz_answered), correct: Number(r.quiz_correct ?? 0) };
    if (!started(r) && recorded === 0 && !quiz) return [];
    const counts = { present: Number(r.present ?? 0), absent: Number(r.absent ?? 0), late: Number(r.late ?? 0), leave: Number(r.leave ?? 0) };
    const needHelp = r.need_help === null ? [] : (JSON.parse(r.need_help) as string[]);
    return {
      lessonId: r.lesson_id,
      startsAt: r.starts_at,
      courseId: r.course_id,
      subject: r.subject,
      title: r.title,
      classroomId: r.classroom_id,
      classroom: r.classroom,
      schoolId: r.school_id,
      school: r.school,
      roster,
      attendance: { ...summariseAttendance(roster, counts), recorded },
      quiz,
      needHelp: needHelp.sort((x, y) => byZh(x, y)),
    };
  });
  return rows.sort((x, y) => Date.parse(y.startsAt) - Date.parse(x.startsAt) || byZh(x.school, y.school) || byZh(x.classroom, y.classroom));
}

/**
 * Per lesson and question across the selected classes, grouped in the engine (a term's 144 000 class-question rows
 * would cost more to ship than to add up): groupQuestions' rule, CLASS_WRONG_BELOW compared in integers.
 */
export async function queryLessonQuestions(db: SqlDb, where: Where, lessonIds: ReadonlySet<string>): Promise<LessonQuestionStat[]> {
  const quizzes = new Map<string, Quiz>();
  for (const q of await db.all<{ id: string; body: string }>(`SELECT id, body FROM quizzes WHERE lesson_id IN (SELECT a.lesson_id FROM ${AUDIENCE} WHERE ${where.sql})`, where.params)) {
    const parsed = Quiz.safeParse(JSON.parse(q.body));
    if (parsed.success) quizzes.set(q.id, parsed.data);
  }
  const questions: LessonQuestionStat[] = [];
  for (const q of await db.all<{ lesson_id: string; quiz_id: string; question_id: string; answered: number; correct: number; classes: number; wrong: number }>(
    `SELECT r.lesson_id, r.quiz_id, r.question_id, sum(r.answered) AS answered, sum(r.correct) AS correct, count(*) AS classes,
            sum(CASE WHEN r.answered > 0 AND r.correct * 10 < r.answered * ${Math.round(CLASS_WRONG_BELOW * 10)} THEN 1 ELSE 0 END) AS wrong
       FROM report_question r
       JOIN ${AUDIENCE.replace('lesson_audience a', 'lesson_audience a ON a.lesson_id = r.lesson_id AND a.classroom_id = r.classroom_id')} WHERE ${where.sql}
      GROUP BY r.lesson_id, r.quiz_id, r.question_id`,
    where.params,
  )) {
    if (!lessonIds.has(q.lesson_id)) continue; // outside the exact date range
    const prompt = quizzes.get(q.quiz_id)?.questions.find((x) => x.id === q.question_id)?.prompt ?? q.question_id;
    questions.push({ lessonId: q.lesson_id, quizId: q.quiz_id, questionId: q.question_id, prompt, answered: Number(q.answered), correct: Number(q.correct), classes: Number(q.classes), classesWrong: Number(q.wrong) });
  }
  return questions;
}

/** One page of per-class rows; per class and week when one school or class is chosen; per student for one class. */
export async function queryClassesPage(db: SqlDb, filter: ReportFilter, scope: ReportScope, now: Date, page: number): Promise<ClassesPage> {
  const where = audienceWhere(filter, scope);
  const { pending } = await refreshIfFew(db, where, REQUEST_REFRESH_LIMIT);
  const rows = await queryClassRows(db, filter, where, now);
  const pages = Math.max(1, Math.ceil(rows.length / CLASSES_PAGE_SIZE));
  const narrowed = Boolean(filter.schoolId || filter.classroomId);
  return {
    rows: rows.slice((page - 1) * CLASSES_PAGE_SIZE, page * CLASSES_PAGE_SIZE),
    total: rows.length,
    page,
    pages,
    classWeeks: narrowed ? trendsOf(rows) : [],
    studentWeeks: filter.classroomId ? await studentWeeksOf(db, where, new Map(rows.map((r) => [r.lessonId, r.startsAt]))) : [],
    pending,
  };
}

/** Everything for the exports (not bound by the page's second): the rows whole, the lessons folded from them. */
export async function queryReportView(db: SqlDb, filter: ReportFilter, scope: ReportScope, now: Date): Promise<ReportView & { pending: number }> {
  const where = audienceWhere(filter, scope);
  const { pending } = await refreshIfFew(db, where, REQUEST_REFRESH_LIMIT);
  const rows = await queryClassRows(db, filter, where, now);
  const questions = await queryLessonQuestions(db, where, new Set(rows.map((r) => r.lessonId)));
  const studentWeeks = filter.classroomId ? await studentWeeksOf(db, where, new Map(rows.map((r) => [r.lessonId, r.startsAt]))) : [];
  return { rows, lessons: summariseRows(rows, questions, pending).lessons, classWeeks: trendsOf(rows), studentWeeks, pending };
}

/** Per student and week, for one class (a few hundred rows, read from the answers themselves). */
async function studentWeeksOf(db: SqlDb, where: Where, startsAt: Map<string, string>): Promise<StudentWeek[]> {
  const latest = `SELECT q.lesson_id, q.student_id, q.correct,
                         row_number() OVER (PARTITION BY q.lesson_id, q.quiz_id, q.question_id, q.classroom_id, q.student_id ORDER BY q.hlc DESC) AS rn
                    FROM quiz_answers q JOIN lesson_audience a ON a.lesson_id = q.lesson_id AND a.classroom_id = q.classroom_id
                    JOIN lessons l ON l.id = a.lesson_id JOIN classrooms cl ON cl.id = a.classroom_id WHERE ${where.sql}`;
  const weeks = new Map<string, StudentWeek>();
  for (const s of await db.all<{ lesson_id: string; student_id: string; name: string; correct: number; total: number }>(
    `SELECT z.lesson_id, z.student_id, st.name, sum(z.correct) AS correct, count(*) AS total FROM (${latest}) z
       JOIN students st ON st.id = z.student_id WHERE z.rn = 1 GROUP BY z.lesson_id, z.student_id, st.name`,
    where.params,
  )) {
    const at = startsAt.get(s.lesson_id);
    if (at === undefined) continue; // outside the exact date range
    const week = chinaWeek(at);
    const wk = `${s.student_id}\u0000${week}`;
    const w = weeks.get(wk) ?? { studentId: s.student_id, name: s.name, week, answered: 0, correct: 0 };
    w.answered += Number(s.total);
    w.correct += Number(s.correct);
    weeks.set(wk, w);
  }
  return [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week) || byZh(a.name, b.name));
}
