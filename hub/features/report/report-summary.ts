// From per-class rows to what the page leads with: per lesson (all its classes), per question (which one most classes
// got wrong), per school, per week, and per class and week. The summary query (report-summary-query.ts) computes the
// per-lesson and per-school parts in SQL from the aggregates; the fold here is the same rule over rows (the exports'
// and the reference's, report-aggregates.test.ts holds the two equal), and both share the per-week and worst-question
// steps below.
import type { ClassRow } from './report-query.ts';
import {
  byZh,
  chinaWeek,
  CLASS_WRONG_BELOW,
  WORST_QUESTIONS,
  type ClassWeek,
  type LessonQuestion,
  type LessonSummary,
  type QuestionStat,
  type ReportSummary,
  type SchoolSummary,
  type Totals,
  type WeekSummary,
  type WorstQuestion,
} from './report-view.ts';

export const noTotals = (): Totals => ({ lessons: 0, classes: 0, roster: 0, attended: 0, takenRoster: 0, answered: 0, correct: 0, needHelp: 0 });

function addRow(t: Omit<Totals, 'lessons'>, r: ClassRow) {
  t.classes += 1;
  t.roster += r.roster;
  if (r.attendance.taken) {
    t.attended += r.attendance.arrived;
    t.takenRoster += r.roster;
  }
  t.answered += r.quiz?.answered ?? 0;
  t.correct += r.quiz?.correct ?? 0;
  t.needHelp += r.needHelp.length;
}

function addLesson(t: Totals, l: LessonSummary) {
  t.lessons += 1;
  t.classes += l.classes;
  t.roster += l.roster;
  t.attended += l.attended;
  t.takenRoster += l.takenRoster;
  t.answered += l.answered;
  t.correct += l.correct;
  t.needHelp += l.needHelp;
}

/** Newest first; lessons at the same time by title, then id (one order for the SQL path and the fold). */
export const byLessonOrder = (a: LessonSummary, b: LessonSummary) => Date.parse(b.startsAt) - Date.parse(a.startsAt) || byZh(a.title, b.title) || (a.lessonId < b.lessonId ? -1 : a.lessonId > b.lessonId ? 1 : 0);

/** Per-lesson → hardest question per lesson (ties: the lower accuracy), in place. */
export function settleQuestions(l: LessonSummary) {
  l.questions.sort((a, b) => a.quizId.localeCompare(b.quizId) || a.questionId.localeCompare(b.questionId, 'en', { numeric: true }));
  const hardest = [...l.questions].sort(byWorst)[0];
  l.hardestQuestionId = hardest && hardest.answered > 0 ? hardest.questionId : null;
}
const accuracy = (q: LessonQuestion) => (q.answered > 0 ? q.correct / q.answered : 1);
const byWorst = (a: LessonQuestion, b: LessonQuestion) => b.classesWrong - a.classesWrong || accuracy(a) - accuracy(b);

/** The summary's parts made from its lessons (the same on both paths): per week, the totals, the worst questions. */
export function fromLessons(lessons: LessonSummary[], schools: SchoolSummary[], pending: number): ReportSummary {
  const totals = noTotals();
  const weeks = new Map<string, WeekSummary>();
  const worst: WorstQuestion[] = [];
  for (const l of lessons) {
    addLesson(totals, l);
    const week = chinaWeek(l.startsAt);
    const w = weeks.get(week) ?? { ...noTotals(), week };
    addLesson(w, l);
    weeks.set(week, w);
    for (const q of l.questions) if (q.answered > 0) worst.push({ ...q, lessonId: l.lessonId, startsAt: l.startsAt, title: l.title });
  }
  worst.sort((a, b) => byWorst(a, b) || Date.parse(b.startsAt) - Date.parse(a.startsAt) || (a.lessonId < b.lessonId ? -1 : 1) || a.questionId.localeCompare(b.questionId));
  return {
    totals,
    lessons,
    schools,
    weeks: [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week)),
    worstQuestions: worst.slice(0, WORST_QUESTIONS),
    pending,
  };
}

/** The summary folded from class rows and per-lesson questions (the exports' path and the test's reference). */
export function summariseRows(rows: ClassRow[], questions: LessonQuestionStat[], pending: number): ReportSummary {
  const schools = new Map<string, SchoolSummary>();
  const lessonsOfSchool = new Map<string, Set<string>>();
  for (const r of rows) {
    const s = schools.get(r.schoolId) ?? { ...noTotals(), schoolId: r.schoolId, school: r.school };
    addRow(s, r);
    schools.set(r.schoolId, s);
    lessonsOfSchool.set(r.schoolId, (lessonsOfSchool.get(r.schoolId) ?? new Set()).add(r.lessonId));
  }
  for (const [id, s] of schools) s.lessons = lessonsOfSchool.get(id)?.size ?? 0;
  return fromLessons(summariseLessons(rows, questions), [...schools.values()].sort(bySchool), pending);
}
export const bySchool = (a: SchoolSummary, b: SchoolSummary) => byZh(a.school, b.school) || (a.schoolId < b.schoolId ? -1 : a.schoolId > b.schoolId ? 1 : 0);

/** A lesson's question across its classes (what summariseLessons takes; report-query.ts groups them in SQL). */
export type LessonQuestionStat = LessonQuestion & { lessonId: string };

/** Per-class question figures grouped per lesson and question (the rule report-query.ts's SQL applies too). */
export function groupQuestions(questions: QuestionStat[]): LessonQuestionStat[] {
  const perQuestion = new Map<string, LessonQuestionStat>();
  for (const q of questions) {
    const k = `${q.lessonId}\u0000${q.quizId}\u0000${q.questionId}`;
    const t = perQuestion.get(k) ?? { lessonId: q.lessonId, quizId: q.quizId, questionId: q.questionId, prompt: q.prompt, answered: 0, correct: 0, classes: 0, classesWrong: 0 };
    t.answered += q.answered;
    t.correct += q.correct;
    t.classes += 1;
    if (q.answered > 0 && q.correct / q.answered < CLASS_WRONG_BELOW) t.classesWrong += 1;
    perQuestion.set(k, t);
  }
  return [...perQuestion.values()];
}

export function summariseLessons(rows: ClassRow[], questions: LessonQuestionStat[]): LessonSummary[] {
  const byLesson = new Map<string, LessonSummary>();
  for (const r of rows) {
    const l =
      byLesson.get(r.lessonId) ??
      ({ lessonId: r.lessonId, startsAt: r.startsAt, subject: r.subject, title: r.title, classes: 0, roster: 0, attended: 0, takenRoster: 0, answered: 0, correct: 0, questions: [], hardestQuestionId: null, needHelp: 0 } satisfies LessonSummary);
    addRow(l, r);
    byLesson.set(r.lessonId, l);
  }
  for (const { lessonId, ...q } of questions) byLesson.get(lessonId)?.questions.push(q);
  for (const l of byLesson.values()) settleQuestions(l);
  return [...byLesson.values()].sort(byLessonOrder);
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
  return [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week) || byZh(a.school, b.school) || byZh(a.classroom, b.classroom));
}
