// The lead school's view of students' 练习 and 考核, per receiving classroom and student: how much they practised, which
// lessons they have mastered (3 right in a row), where they are stuck, and their 考核 scores. Admin scope only (the
// report's group); classroom devices get their own students' scores through exam.result, nothing from here.
import { isMastered, scoreExam, stuckQuestions } from '../../../src/shared/practice-policy.ts';
import { Quiz } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';

export type PracticeStudentRow = {
  studentId: string;
  student: string;
  classroomId: string;
  classroom: string;
  school: string;
  attempts: number;
  correct: number;
  lessonsPractised: number;
  lessonsMastered: number;
  /** Prompts of the questions the student is stuck on. */
  stuck: string[];
};
export type ExamReportRow = { examId: string; title: string; classroom: string; student: string; correct: number; total: number };
export type PracticeReport = { students: PracticeStudentRow[]; exams: ExamReportRow[] };

export async function buildPracticeReport(db: HubDatabase, limit = 2000): Promise<PracticeReport> {
  const attempts = await db.all<{ student_id: string; name: string; classroom_id: string; classroom: string; school: string; lesson_id: string; quiz_id: string; question_id: string; correct: number }>(
    `SELECT p.student_id, st.name, p.classroom_id, cl.name AS classroom, s.name AS school, p.lesson_id, p.quiz_id, p.question_id, p.correct
       FROM practice_attempts p JOIN students st ON st.id = p.student_id
       JOIN classrooms cl ON cl.id = p.classroom_id JOIN schools s ON s.id = cl.school_id
      ORDER BY cl.name, st.number, p.hlc`,
  );
  const prompts = new Map<string, string>();
  for (const q of await db.all<{ body: string }>(`SELECT body FROM quizzes WHERE id IN (SELECT DISTINCT quiz_id FROM practice_attempts)`)) {
    const quiz = Quiz.safeParse(JSON.parse(q.body));
    if (quiz.success) for (const question of quiz.data.questions) prompts.set(`${quiz.data.id}/${question.id}`, question.prompt);
  }
  const byStudent = new Map<string, typeof attempts>();
  for (const a of attempts) byStudent.set(a.student_id, [...(byStudent.get(a.student_id) ?? []), a]);
  const students = [...byStudent.values()].slice(0, limit).map((list): PracticeStudentRow => {
    const first = list[0] as (typeof attempts)[number];
    const lessons = new Map<string, boolean[]>();
    for (const a of list) lessons.set(a.lesson_id, [...(lessons.get(a.lesson_id) ?? []), a.correct === 1]);
    const stuck = stuckQuestions(list.map((a) => ({ question: `${a.quiz_id}/${a.question_id}`, correct: a.correct === 1 })));
    return {
      studentId: first.student_id,
      student: first.name,
      classroomId: first.classroom_id,
      classroom: first.classroom,
      school: first.school,
      attempts: list.length,
      correct: list.filter((a) => a.correct === 1).length,
      lessonsPractised: lessons.size,
      lessonsMastered: [...lessons.values()].filter(isMastered).length,
      stuck: stuck.map((q) => prompts.get(q) ?? q),
    };
  });
  const submissions = await db.all<{ exam_id: string; paper: string; answer_key: string; classroom: string; name: string; answers: string }>(
    `SELECT x.exam_id, e.paper, e.answer_key, cl.name AS classroom, st.name, x.answers
       FROM exam_submissions x JOIN exams e ON e.id = x.exam_id JOIN students st ON st.id = x.student_id JOIN classrooms cl ON cl.id = x.classroom_id
      ORDER BY e.closes_at DESC, cl.name, st.number LIMIT ?`,
    [limit],
  );
  const exams = submissions.map((x): ExamReportRow => {
    const title = (JSON.parse(x.paper) as { title?: string }).title ?? x.exam_id;
    return { examId: x.exam_id, title, classroom: x.classroom, student: x.name, ...scoreExam(JSON.parse(x.answer_key) as number[], JSON.parse(x.answers) as (number | null)[]) };
  });
  return { students, exams };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The report page's 学生练习与考核 section. */
export function renderPracticeSection({ students, exams }: PracticeReport): string {
  const rows = students
    .map(
      (s) => `<tr data-student="${escape(s.studentId)}" data-classroom="${escape(s.classroomId)}"><td>${escape(s.school)} ${escape(s.classroom)}</td><td>${escape(s.student)}</td>
<td class="practice-attempts">${s.correct}/${s.attempts}</td><td>${s.lessonsMastered}/${s.lessonsPractised}</td><td class="stuck">${escape(s.stuck.join('；')) || '—'}</td></tr>`,
    )
    .join('\n');
  const examRows = exams
    .map((x) => `<tr data-exam="${escape(x.examId)}"><td>${escape(x.title)}</td><td>${escape(x.classroom)}</td><td>${escape(x.student)}</td><td class="exam-score">${x.correct}/${x.total}</td></tr>`)
    .join('\n');
  return `<h2>学生练习</h2><p>每位学生在教室电脑上的练习：答对/作答、掌握的课（连续答对 3 题）/练过的课、卡住的题（答错 2 次以上且之后没答对）。</p>
<table id="practice"><thead><tr><th>班级</th><th>学生</th><th>答对/作答</th><th>掌握/练过的课</th><th>卡住的题</th></tr></thead>
<tbody>${rows || '<tr><td colspan="5">暂无练习</td></tr>'}</tbody></table>
<h2>考核</h2><table id="exams"><thead><tr><th>考核</th><th>班级</th><th>学生</th><th>得分</th></tr></thead>
<tbody>${examRows || '<tr><td colspan="4">暂无考核</td></tr>'}</tbody></table>`;
}
