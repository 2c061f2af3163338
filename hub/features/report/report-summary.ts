// From per-class rows to what the page leads with: per lesson (all its classes), per question (which one most classes
// got wrong), and per class and week.
import type { ClassRow } from './report-query.ts';
import { chinaWeek, CLASS_WRONG_BELOW, type ClassWeek, type LessonQuestion, type LessonSummary, type QuestionStat } from './report-view.ts';

export function summariseLessons(rows: ClassRow[], questions: QuestionStat[]): LessonSummary[] {
  const byLesson = new Map<string, LessonSummary>();
  for (const r of rows) {
    const l =
      byLesson.get(r.lessonId) ??
      ({ lessonId: r.lessonId, startsAt: r.startsAt, subject: r.subject, title: r.title, classes: 0, roster: 0, attended: 0, takenRoster: 0, answered: 0, correct: 0, questions: [], hardestQuestionId: null, needHelp: [] } satisfies LessonSummary);
    l.classes += 1;
    l.roster += r.roster;
    if (r.attendance.taken) {
      l.attended += r.attendance.arrived;
      l.takenRoster += r.roster;
    }
    l.answered += r.quiz?.answered ?? 0;
    l.correct += r.quiz?.correct ?? 0;
    if (r.needHelp.length > 0) l.needHelp.push({ classroom: r.classroom, school: r.school, names: r.needHelp });
    byLesson.set(r.lessonId, l);
  }
  const perQuestion = new Map<string, LessonQuestion & { lessonId: string }>();
  for (const q of questions) {
    const k = `${q.lessonId}\u0000${q.quizId}\u0000${q.questionId}`;
    const t = perQuestion.get(k) ?? { lessonId: q.lessonId, quizId: q.quizId, questionId: q.questionId, prompt: q.prompt, answered: 0, correct: 0, classes: 0, classesWrong: 0 };
    t.answered += q.answered;
    t.correct += q.correct;
    t.classes += 1;
    if (q.answered > 0 && q.correct / q.answered < CLASS_WRONG_BELOW) t.classesWrong += 1;
    perQuestion.set(k, t);
  }
  for (const { lessonId, ...q } of perQuestion.values()) byLesson.get(lessonId)?.questions.push(q);
  for (const l of byLesson.values()) {
    l.questions.sort((a, b) => a.quizId.localeCompare(b.quizId) || a.questionId.localeCompare(b.questionId, 'en', { numeric: true }));
    const accuracy = (q: LessonQuestion) => (q.answered > 0 ? q.correct / q.answered : 1);
    const hardest = [...l.questions].sort((a, b) => b.classesWrong - a.classesWrong || accuracy(a) - accuracy(b))[0];
    l.hardestQuestionId = hardest && hardest.answered > 0 ? hardest.questionId : null;
  }
  return [...byLesson.values()];
}

export function trendsOf(rows: ClassRow[]): ClassWeek[] {
  const weeks = new Map<string, ClassWeek>();
  for (const r of rows) {
    const week = chinaWeek(r.startsAt);
    const k = `${r.classroomId}\u0000${week}`;
    const w = weeks.get(k) ?? { classroomId: r.classroomId, classroom: r.classroom, school: r.school, week, lessons: 0, attended: 0, takenRoster: 0, answered: 0, correct: 0 };
    w.lessons += 1;
    if (r.attendance.taken) {
      w.attended += r.attendance.arrived;
      w.takenRoster += r.roster;
    }
    w.answered += r.quiz?.answered ?? 0;
    w.correct += r.quiz?.correct ?? 0;
    weeks.set(k, w);
  }
  return [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week) || a.school.localeCompare(b.school, 'zh-CN') || a.classroom.localeCompare(b.classroom, 'zh-CN'));
}
