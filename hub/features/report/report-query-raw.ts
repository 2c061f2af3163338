// The report computed from raw rows each time (the code before the aggregates of report-aggregates.ts): kept as the
// reference the aggregate report is tested against (report-aggregates.test.ts), on randomised data with edits.
// The lead school's report, scoped and filtered, in a few set-based queries (no query per lesson or class): per lesson
// and class attendance and 随堂测 accuracy, per question across classes, who needs help (分层辅导), and weekly trends
// per class (and per student when one class is chosen). Latest answer per student and question by HLC, class tallies
// added in, as in hub/features/report/admin-report.ts (the admin JSON kept for machines).
import { summariseAttendance } from '../../../src/shared/attendance-summary.ts';
import { Quiz } from '../../../src/shared/protocol.ts';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { audienceWhere, inRange, type ReportFilter, type ReportScope } from './report-filter.ts';
import { chinaWeek, NEED_HELP_BELOW, type ClassWeek, type LessonSummary, type QuestionStat, type ReportView, type StudentWeek } from './report-view.ts';
import type { ClassRow } from './report-query.ts';
import { groupQuestions, summariseLessons, trendsOf } from './report-summary.ts';


type AudienceRow = { lesson_id: string; starts_at: string; course_id: string; subject: string; title: string; classroom_id: string; classroom: string; school_id: string; school: string };

/** Lessons that have not started by `now` and hold no records are left out: nothing is expected of them yet (not 未考勤). */
export async function queryReportRaw(db: SqlDb, filter: ReportFilter, scope: ReportScope, now: Date): Promise<ReportView> {
  const where = audienceWhere(filter, scope);
  // Joined in place (not as a subquery) so the planner drives every query from the filtered lessons through indexes.
  const aud = `SELECT a.lesson_id, a.classroom_id FROM lesson_audience a JOIN lessons l ON l.id = a.lesson_id JOIN classrooms cl ON cl.id = a.classroom_id WHERE ${where.sql}`;
  const audJoin = (lesson: string, classroom: string) =>
    `JOIN lesson_audience a ON a.lesson_id = ${lesson} AND a.classroom_id = ${classroom} JOIN lessons l ON l.id = a.lesson_id JOIN classrooms cl ON cl.id = a.classroom_id`;
  const audience = (
    await db.all<AudienceRow>(
      `SELECT l.id AS lesson_id, l.starts_at, l.course_id, c.subject, l.title, a.classroom_id, cl.name AS classroom, s.id AS school_id, s.name AS school
         FROM lesson_audience a JOIN lessons l ON l.id = a.lesson_id JOIN courses c ON c.id = l.course_id
         JOIN classrooms cl ON cl.id = a.classroom_id JOIN schools s ON s.id = cl.school_id
        WHERE ${where.sql}`,
      where.params,
    )
  ).filter((r) => inRange(r.starts_at, filter));
  const key = (lessonId: string, classroomId: string) => `${lessonId}\u0000${classroomId}`;
  const wanted = new Set(audience.map((r) => key(r.lesson_id, r.classroom_id)));

  const rosters = new Map(
    (
      await db.all<{ classroom_id: string; n: number }>(
        `SELECT st.classroom_id, count(*) AS n FROM students st WHERE st.classroom_id IN (SELECT DISTINCT x.classroom_id FROM (${aud}) x) GROUP BY st.classroom_id`,
        where.params,
      )
    ).map((r) => [r.classroom_id, Number(r.n)]),
  );
  const attendance = new Map<string, Record<string, number>>();
  for (const r of await db.all<{ lesson_id: string; classroom_id: string; status: string; n: number }>(
    `SELECT t.lesson_id, st.classroom_id, t.status, count(*) AS n FROM attendance t JOIN students st ON st.id = t.student_id
       ${audJoin('t.lesson_id', 'st.classroom_id')} WHERE ${where.sql} GROUP BY t.lesson_id, st.classroom_id, t.status`,
    where.params,
  )) {
    const k = key(r.lesson_id, r.classroom_id);
    attendance.set(k, { ...attendance.get(k), [r.status]: Number(r.n) });
  }

  const latest = `SELECT q.lesson_id, q.classroom_id, q.quiz_id, q.question_id, q.student_id, q.correct, q.total,
                         row_number() OVER (PARTITION BY q.lesson_id, q.quiz_id, q.question_id, q.classroom_id, q.student_id ORDER BY q.hlc DESC) AS rn
                    FROM quiz_answers q ${audJoin('q.lesson_id', 'q.classroom_id')} WHERE ${where.sql}`;
  const perQuestion = await db.all<{ lesson_id: string; classroom_id: string; quiz_id: string; question_id: string; correct: number; total: number }>(
    `SELECT lesson_id, classroom_id, quiz_id, question_id, sum(correct) AS correct, sum(total) AS total FROM (${latest}) z WHERE rn = 1
      GROUP BY lesson_id, classroom_id, quiz_id, question_id`,
    where.params,
  );
  const perStudent = await db.all<{ lesson_id: string; classroom_id: string; student_id: string; name: string; correct: number; total: number }>(
    `SELECT z.lesson_id, z.classroom_id, z.student_id, st.name, sum(z.correct) AS correct, count(*) AS total FROM (${latest}) z
       JOIN students st ON st.id = z.student_id WHERE z.rn = 1 GROUP BY z.lesson_id, z.classroom_id, z.student_id, st.name`,
    where.params,
  );
  const quizzes = new Map<string, Quiz>();
  for (const q of await db.all<{ id: string; body: string }>(`SELECT id, body FROM quizzes WHERE lesson_id IN (SELECT DISTINCT x.lesson_id FROM (${aud}) x)`, where.params)) {
    const parsed = Quiz.safeParse(JSON.parse(q.body));
    if (parsed.success) quizzes.set(q.id, parsed.data);
  }

  const quizTotals = new Map<string, { answered: number; correct: number }>();
  const questions: QuestionStat[] = [];
  for (const q of perQuestion) {
    const k = key(q.lesson_id, q.classroom_id);
    if (!wanted.has(k)) continue;
    const t = quizTotals.get(k) ?? { answered: 0, correct: 0 };
    t.answered += Number(q.total);
    t.correct += Number(q.correct);
    quizTotals.set(k, t);
    const prompt = quizzes.get(q.quiz_id)?.questions.find((x) => x.id === q.question_id)?.prompt ?? q.question_id;
    questions.push({ lessonId: q.lesson_id, classroomId: q.classroom_id, quizId: q.quiz_id, questionId: q.question_id, prompt, answered: Number(q.total), correct: Number(q.correct) });
  }
  const needHelp = new Map<string, string[]>();
  const studentWeeks = new Map<string, StudentWeek>();
  const startsAt = new Map(audience.map((r) => [r.lesson_id, r.starts_at]));
  for (const s of perStudent) {
    const k = key(s.lesson_id, s.classroom_id);
    if (!wanted.has(k)) continue;
    if (Number(s.correct) / Number(s.total) < NEED_HELP_BELOW) needHelp.set(k, [...(needHelp.get(k) ?? []), s.name]);
    if (filter.classroomId) {
      const week = chinaWeek(startsAt.get(s.lesson_id) ?? '');
      const wk = `${s.student_id}\u0000${week}`;
      const w = studentWeeks.get(wk) ?? { studentId: s.student_id, name: s.name, week, answered: 0, correct: 0 };
      w.answered += Number(s.total);
      w.correct += Number(s.correct);
      studentWeeks.set(wk, w);
    }
  }

  const started = (r: AudienceRow) => Date.parse(r.starts_at) <= now.getTime();
  const rows: ClassRow[] = audience.flatMap((r) => {
    const k = key(r.lesson_id, r.classroom_id);
    const roster = rosters.get(r.classroom_id) ?? 0;
    const counts = attendance.get(k) ?? {};
    const count = (status: string) => counts[status] ?? 0;
    const recorded = Object.values(counts).reduce((n, c) => n + c, 0);
    if (!started(r) && recorded === 0 && !quizTotals.has(k)) return [];
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
      attendance: { ...summariseAttendance(roster, { present: count('present'), absent: count('absent'), late: count('late'), leave: count('leave') }), recorded },
      quiz: quizTotals.get(k) ?? null,
      needHelp: (needHelp.get(k) ?? []).sort((x, y) => x.localeCompare(y, 'zh-CN')),
    };
  });
  rows.sort((x, y) => Date.parse(y.startsAt) - Date.parse(x.startsAt) || x.school.localeCompare(y.school, 'zh-CN') || x.classroom.localeCompare(y.classroom, 'zh-CN'));
  const lessons: LessonSummary[] = summariseLessons(rows, groupQuestions(questions));
  const classWeeks: ClassWeek[] = trendsOf(rows);
  return { rows, lessons, classWeeks, studentWeeks: [...studentWeeks.values()].sort((a, b) => a.week.localeCompare(b.week) || a.name.localeCompare(b.name, 'zh-CN')) };
}
