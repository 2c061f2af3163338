// The report's shape (JSON for the page and for tests; the exports are made from it too), and its small shared rules.
import type { ClassRow } from './report-query.ts';

/** Below this share of right answers in a lesson a student is listed under 需要辅导 (as in hub/features/report/admin-report.ts). */
export const NEED_HELP_BELOW = 0.6;
/** A class "got a question wrong" when fewer than this share of its answers were right. */
export const CLASS_WRONG_BELOW = 0.6;
/** Chinese names in 拼音 order: one collator (what localeCompare(x, 'zh-CN') builds on every call, tens of thousands of times a report). */
export const byZh = new Intl.Collator('zh-CN').compare;

/** One question of one lesson's quiz in one class (latest answers, class tallies added in). */
export type QuestionStat = { lessonId: string; classroomId: string; quizId: string; questionId: string; prompt: string; answered: number; correct: number };

/** A question across every class of a lesson: `classesWrong` = classes under CLASS_WRONG_BELOW. */
export type LessonQuestion = { quizId: string; questionId: string; prompt: string; answered: number; correct: number; classes: number; classesWrong: number };

export type LessonSummary = {
  lessonId: string;
  startsAt: string;
  subject: string;
  title: string;
  classes: number;
  roster: number;
  /** 出勤 (present + late) over the rosters of the classes that took attendance. */
  attended: number;
  takenRoster: number;
  answered: number;
  correct: number;
  questions: LessonQuestion[];
  /** The question most classes got wrong (ties: the lower accuracy), or null without a quiz. */
  hardestQuestionId: string | null;
  /** Students listed under 需要辅导 over the lesson's classes (人次); the names come with the class rows. */
  needHelp: number;
};

/** Figures added up over class-lessons (a school's, a week's, the whole selection's). */
export type Totals = { lessons: number; classes: number; roster: number; attended: number; takenRoster: number; answered: number; correct: number; needHelp: number };
export type SchoolSummary = Totals & { schoolId: string; school: string };
export type WeekSummary = Totals & { week: string };
export type WorstQuestion = LessonQuestion & { lessonId: string; startsAt: string; title: string };

export type ClassWeek = { classroomId: string; classroom: string; school: string; week: string; lessons: number; attended: number; takenRoster: number; answered: number; correct: number };
export type StudentWeek = { studentId: string; name: string; week: string; answered: number; correct: number };

/** Everything at once: what the exports and the reference computation (report-query-raw.ts) produce. */
export type ReportView = {
  rows: ClassRow[];
  lessons: LessonSummary[];
  classWeeks: ClassWeek[];
  /** Only when one class is chosen. */
  studentWeeks: StudentWeek[];
};

/**
 * The report's first answer (/staff/api/report): small whatever the selection (per lesson, per school, per week, the
 * worst questions), from the aggregates. `pending`: class-lessons changed by pushes and not recomputed yet (the
 * background refresher is on them; the page says so and asks again).
 */
export type ReportSummary = { totals: Totals; lessons: LessonSummary[]; schools: SchoolSummary[]; weeks: WeekSummary[]; worstQuestions: WorstQuestion[]; pending: number };

/** Per-class rows on demand (/staff/api/report/classes), a page at a time; trends per class when one school or class is chosen, per student when one class is. */
export type ClassesPage = { rows: ClassRow[]; total: number; page: number; pages: number; classWeeks: ClassWeek[]; studentWeeks: StudentWeek[]; pending: number };

export const CLASSES_PAGE_SIZE = 200;
export const WORST_QUESTIONS = 10;

/** The Monday (China time, UTC+8) of the week a lesson starts in, `YYYY-MM-DD`. */
export function chinaWeek(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const china = new Date(t + 8 * 3_600_000);
  const back = (china.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth(), china.getUTCDate() - back)).toISOString().slice(0, 10);
}

/** "85%" or "—" (nothing to divide). */
export const percent = (part: number, whole: number) => (whole > 0 ? `${Math.round((100 * part) / whole)}%` : '—');
