// A term of one course for the report bench, written with INSERT … SELECT in the engine (seconds, not the minutes the
// repository functions would take): 1 200 receiving classrooms of 40 students in groups of 40 that watch the same
// lesson, 2 lessons a week for 20 weeks, every student's attendance and answers to a 3-question 随堂测 per lesson.
import type { SqlDb } from '../hub/core/db/sql-db.ts';

export type TermScale = { classrooms: number; students: number; groupSize: number; weeks: number; perWeek: number; questions: number };
export const TERM: TermScale = { classrooms: 1200, students: 40, groupSize: 40, weeks: 20, perWeek: 2, questions: 3 };
export const TERM_COURSE = 'crs-term-math';

export async function seedTerm(db: SqlDb, scale: TermScale = TERM, start = Date.parse('2026-09-07T00:00:00Z')): Promise<void> {
  const { classrooms, students, groupSize, weeks, perWeek, questions } = scale;
  const lessons = weeks * perWeek * (classrooms / groupSize);
  const seq = (n: number) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})`;
  await db.exec(`INSERT INTO alliances VALUES ('all-t', '联盟')`);
  await db.exec(`INSERT INTO schools VALUES ('sch-lead', 'all-t', '引领学校', 'lead')`);
  await db.exec(`${seq(classrooms)} INSERT INTO schools (id, alliance_id, name, kind) SELECT 'sch-' || i, 'all-t', '接收学校' || i, 'receiving' FROM n`);
  await db.exec(`${seq(classrooms)} INSERT INTO classrooms (id, school_id, name, grade) SELECT 'cls-' || i, 'sch-' || i, '七年级(1)班', '七年级' FROM n`);
  await db.exec(`${seq(classrooms * students)} INSERT INTO students (id, classroom_id, name, number) SELECT 'stu-' || i, 'cls-' || (i / ${students}), '学生' || i, i % ${students} + 1 FROM n`);
  await db.exec(`INSERT INTO courses VALUES ('${TERM_COURSE}', 'sch-lead', '数学', '王晓峰')`);
  // Lesson i: group i % groups, the (i / groups)-th lesson of the term, two a week (Monday and Thursday 08:00 China).
  const groups = classrooms / groupSize;
  const lessonRows = Array.from({ length: lessons }, (_, i) => {
    const k = Math.floor(i / groups);
    const day = Math.floor(k / perWeek) * 7 + (k % perWeek) * 3;
    const startsAt = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    return `('les-${i}', '${TERM_COURSE}', '第${k + 1}课', '${startsAt}T08:00:00+08:00', '${startsAt}T08:45:00+08:00', 'recorded')`;
  });
  for (let i = 0; i < lessonRows.length; i += 500) await db.exec(`INSERT INTO lessons (id, course_id, title, starts_at, ends_at, mode) VALUES ${lessonRows.slice(i, i + 500).join(', ')}`);
  await db.exec(`${seq(lessons * groupSize)} INSERT INTO lesson_audience (lesson_id, classroom_id) SELECT 'les-' || (i / ${groupSize}), 'cls-' || (((i / ${groupSize}) % ${groups}) * ${groupSize} + i % ${groupSize}) FROM n`);
  const quiz = JSON.stringify({ title: '数学随堂测', questions: Array.from({ length: questions }, (_, q) => ({ id: `q${q + 1}`, prompt: `第${q + 1}题`, choices: ['A', 'B', 'C', 'D'], answer: 1 })) });
  await db.exec(`INSERT INTO quizzes (id, lesson_id, body) SELECT 'quiz-' || substr(id, 5), id, '{"id":"quiz-' || substr(id, 5) || '","lessonId":"' || id || '",' || '${quiz.slice(1)}' FROM lessons WHERE course_id = '${TERM_COURSE}'`);
  await db.exec(`INSERT INTO attendance (lesson_id, student_id, status, hlc, device_id)
                 SELECT a.lesson_id, s.id, CASE WHEN s.number % 17 = 0 THEN 'absent' WHEN s.number % 13 = 0 THEN 'late' ELSE 'present' END, '0001', 'dev'
                   FROM lesson_audience a JOIN students s ON s.classroom_id = a.classroom_id`);
  for (let q = 1; q <= questions; q++) {
    await db.exec(`INSERT INTO quiz_answers (op_id, lesson_id, quiz_id, question_id, student_id, choice, correct, total, hlc, classroom_id, device_id)
                   SELECT 'op-${q}-' || a.lesson_id || '-' || s.id, a.lesson_id, 'quiz-' || substr(a.lesson_id, 5), 'q${q}', s.id, 1, CASE WHEN (s.number + ${q}) % 4 = 0 THEN 0 ELSE 1 END, 1, '0001', a.classroom_id, 'dev'
                     FROM lesson_audience a JOIN students s ON s.classroom_id = a.classroom_id`);
  }
  // Written past the apply path, so marked as a push would have marked them (and as migration 13 marks an old hub's).
  await db.exec(`INSERT INTO report_dirty (lesson_id, classroom_id, mark) SELECT lesson_id, classroom_id, 'seed' FROM lesson_audience`);
}
