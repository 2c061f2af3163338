// What the practice screens read from IndexedDB (offline): a student's lessons with their state, their due 错题本
// questions, and the teacher's per-student view of the class. Pure reads; writes go through db/practice-repo.ts.
import { isDue, isMastered, stuckQuestions } from '../../../shared/practice-policy.ts';
import type { ExamPaper, ExamResult, Lesson, Quiz, Student } from '../../../shared/protocol.ts';
import type { AppDb } from '../../db/app-db.ts';
import { questionKey, type ExamSubmissionRow } from '../../db/practice-rows.ts';

export type LessonState = 'mastered' | 'practising' | 'none';
export type PracticeLesson = { lesson: Lesson; quizzes: Quiz[]; state: LessonState };
/** One question to practise: its quiz (the bank it belongs to) and its id. */
export type PracticeItem = { quiz: Quiz; questionId: string };

/** Lessons that have a question bank: already started ones first (newest first), then upcoming ones. */
export async function practiceLessons(db: AppDb, studentId: string, nowMs: number): Promise<PracticeLesson[]> {
  const quizzes = await db.quizzes.toArray();
  const byLesson = new Map<string, Quiz[]>();
  for (const q of quizzes) byLesson.set(q.lessonId, [...(byLesson.get(q.lessonId) ?? []), q]);
  const attempts = await db.practiceAttempts.where('studentId').equals(studentId).sortBy('at');
  // Only lessons that have begun: a lesson's questions are its 随堂测 too, and practised (with the answer and its
  // explanation shown) before class they would answer the class's quiz for it. Most recent first.
  const lessons = (await db.lessons.bulkGet([...byLesson.keys()])).filter((l): l is Lesson => l !== undefined && Date.parse(l.startsAt) <= nowMs);
  lessons.sort((a, b) => b.startsAt.localeCompare(a.startsAt));
  return lessons.map((lesson) => {
    const results = attempts.filter((a) => a.lessonId === lesson.id).map((a) => a.correct);
    return { lesson, quizzes: byLesson.get(lesson.id) ?? [], state: isMastered(results) ? 'mastered' : results.length > 0 ? 'practising' : 'none' };
  });
}

/** The student's 错题本 questions due now, oldest due first. */
export async function dueMistakes(db: AppDb, studentId: string, nowMs: number): Promise<PracticeItem[]> {
  const items = (await db.reviewItems.where('studentId').equals(studentId).toArray()).filter((i) => isDue(i, nowMs)).sort((a, b) => a.dueAt - b.dueAt);
  const quizzes = new Map((await db.quizzes.bulkGet([...new Set(items.map((i) => i.quizId))])).flatMap((q) => (q ? [[q.id, q] as const] : [])));
  return items.flatMap((i) => {
    const quiz = quizzes.get(i.quizId);
    return quiz?.questions.some((q) => q.id === i.questionId) ? [{ quiz, questionId: i.questionId }] : [];
  });
}

export type ExamView = { exam: ExamPaper; submission: ExamSubmissionRow | undefined; result: ExamResult | undefined };

export async function studentExams(db: AppDb, studentId: string): Promise<ExamView[]> {
  const exams = (await db.exams.toArray()).sort((a, b) => b.opensAt.localeCompare(a.opensAt));
  return Promise.all(exams.map(async (exam) => ({ exam, submission: await db.examSubmissions.get([exam.id, studentId]), result: await db.examResults.get(exam.id) })));
}

export type StudentProgress = {
  student: Student;
  attempts: number;
  correct: number;
  mastered: number;
  /** Prompts of the questions the student is stuck on. */
  stuck: string[];
  exams: { title: string; correct: number; total: number }[];
  hasCode: boolean;
};

/** The teacher's view: every student on the roster (学号 order), practised or not. */
export async function classProgress(db: AppDb): Promise<StudentProgress[]> {
  const students = await db.students.orderBy('number').toArray();
  const attempts = (await db.practiceAttempts.toArray()).sort((a, b) => a.at - b.at);
  const prompts = new Map<string, string>((await db.quizzes.toArray()).flatMap((q) => q.questions.map((question) => [`${q.id}/${question.id}`, question.prompt] as const)));
  const codes = new Set((await db.studentCodes.toArray()).map((c) => c.studentId));
  const exams = new Map((await db.exams.toArray()).map((e) => [e.id, e.title]));
  const results = await db.examResults.toArray();
  return students.map((student) => {
    const mine = attempts.filter((a) => a.studentId === student.id);
    const lessons = new Map<string, boolean[]>();
    for (const a of mine) lessons.set(a.lessonId, [...(lessons.get(a.lessonId) ?? []), a.correct]);
    return {
      student,
      attempts: mine.length,
      correct: mine.filter((a) => a.correct).length,
      mastered: [...lessons.values()].filter(isMastered).length,
      stuck: stuckQuestions(mine.map((a) => ({ question: questionKey(a.quizId, a.questionId), correct: a.correct }))).map((k) => prompts.get(k) ?? k),
      exams: results.flatMap((r) => r.scores.filter((s) => s.studentId === student.id).map((s) => ({ title: exams.get(r.examId) ?? r.examId, correct: s.correct, total: s.total }))),
      hasCode: codes.has(student.id),
    };
  });
}
