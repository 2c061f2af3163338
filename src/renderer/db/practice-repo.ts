// Students' writes in 练习 and 考核. Each attempt writes the attempt, the student's 错题本 entry and its outbox op in ONE
// transaction (records-repo's `record`), so no attempt exists without its op. A submission is written once: a second
// submit of the same exam by the same student is refused here (locked), and the hub refuses it too.
import { examDeadlineMs, examTakesSubmission, nextReview } from '../../shared/practice-policy.ts';
import type { ExamPaper, Quiz } from '../../shared/protocol.ts';
import type { AppDb, OutboxRow } from './app-db.ts';
import { questionKey, type ExamSittingRow, type StudentCodeRow } from './practice-rows.ts';

type Record = (write: (hlc: string) => Promise<OutboxRow['op']>) => Promise<string>;
export type PracticeDeps = { db: AppDb; now: () => Date; newId: () => string; record: Record };

export class ExamLocked extends Error {
  constructor(readonly reason: 'already_submitted' | 'not_open') {
    super(reason);
  }
}

export const practiceTables = (db: AppDb) => [db.practiceAttempts, db.reviewItems, db.examSubmissions, db.examSittings];

export function createPracticeWrites({ db, now, newId, record }: PracticeDeps) {
  const writes = {
    /** A student's answer in 练习; returns whether it was right. `seconds`: from showing the question to the answer. */
    recordAttempt: async (input: { studentId: string; quiz: Quiz; questionId: string; choice: number; seconds: number }) => {
      const { studentId, quiz, questionId, choice } = input;
      const correct = quiz.questions.find((q) => q.id === questionId)?.answer === choice;
      const seconds = Math.max(0, Math.min(3600, Math.round(input.seconds)));
      await record(async (hlc) => {
        const at = now().getTime();
        const id = newId();
        await db.practiceAttempts.add({ id, studentId, lessonId: quiz.lessonId, quizId: quiz.id, questionId, choice, correct, seconds, at, hlc });
        const key = questionKey(quiz.id, questionId);
        const entry = await db.reviewItems.get([studentId, key]);
        const next = nextReview(entry ?? null, correct, at);
        if (next) await db.reviewItems.put({ studentId, questionKey: key, lessonId: quiz.lessonId, quizId: quiz.id, questionId, ...next });
        else if (entry) await db.reviewItems.delete([studentId, key]);
        return { id, hlc, type: 'practice.attempt', lessonId: quiz.lessonId, quizId: quiz.id, questionId, studentId, choice, s: seconds };
      });
      return correct;
    },

    /**
     * The student's sitting of this 考核: the one begun earlier (its clock runs on from then, its answers kept), or a new
     * one starting now. A paper whose questions changed since keeps only the answers that still fit.
     */
    openExamSitting: (studentId: string, exam: ExamPaper): Promise<ExamSittingRow> =>
      db.transaction('rw', db.examSittings, async () => {
        const held = await db.examSittings.get([exam.id, studentId]);
        const fits = (a: number | null, i: number) => (a !== null && a >= 0 && a < (exam.questions[i]?.choices.length ?? 0) ? a : null);
        const answers = exam.questions.map((_, i) => fits(held?.answers[i] ?? null, i));
        const sitting: ExamSittingRow = { examId: exam.id, studentId, startedAt: held?.startedAt ?? now().getTime(), answers };
        await db.examSittings.put(sitting);
        return sitting;
      }),

    /** Keeps the answers picked so far (every tap): nothing leaves the PC before the submission. */
    saveExamAnswers: (studentId: string, examId: string, answers: (number | null)[]) =>
      db.examSittings.where('[examId+studentId]').equals([examId, studentId]).modify({ answers }),

    /** Seconds left of a sitting by this PC's (hub-corrected) clock: 0 once the paper's time is up or the window closed. */
    examSecondsLeft: (sitting: ExamSittingRow, exam: ExamPaper) => secondsLeft(sitting, exam),

    /** Locks a student's 考核 answers (refused outside the window, its grace included, or when already submitted). */
    submitExam,

    /**
     * Hands in every sitting whose time is up, with the answers it kept: a student who left the paper (退出, the idle
     * sign-out, the PC's screen switched) is not left without a submission because no one opened it again. A sitting
     * past the window's grace (the PC was off) cannot be taken by the hub either: it is kept, and counted.
     */
    handInLapsedSittings: async (): Promise<{ handedIn: number; tooLate: number }> => {
      const result = { handedIn: 0, tooLate: 0 };
      for (const sitting of await db.examSittings.toArray()) {
        const exam = await db.exams.get(sitting.examId);
        if (!exam || secondsLeft(sitting, exam) > 0) continue;
        try {
          const seconds = Math.round((examDeadlineMs(exam, sitting.startedAt) - sitting.startedAt) / 1000);
          await submitExam({ studentId: sitting.studentId, exam, answers: sitting.answers, seconds });
          result.handedIn += 1;
        } catch (error) {
          if (!(error instanceof ExamLocked)) throw error;
          // Submitted meanwhile (by the runner's own tick): nothing to do. Otherwise too late for the window.
          if (error.reason === 'not_open') result.tooLate += 1;
        }
      }
      return result;
    },
  };
  return writes;

  function secondsLeft(sitting: ExamSittingRow, exam: ExamPaper) {
    return Math.max(0, Math.ceil((examDeadlineMs(exam, sitting.startedAt) - now().getTime()) / 1000));
  }

  function submitExam(input: { studentId: string; exam: ExamPaper; answers: (number | null)[]; seconds: number }) {
    return record(async (hlc) => {
      const { studentId, exam, answers } = input;
      const at = now().getTime();
      if (!examTakesSubmission(exam, at)) throw new ExamLocked('not_open');
      if (await db.examSubmissions.get([exam.id, studentId])) throw new ExamLocked('already_submitted');
      const seconds = Math.max(0, Math.min(6 * 3600, Math.round(input.seconds)));
      await db.examSubmissions.add({ examId: exam.id, studentId, answers, seconds, submittedAt: at });
      await db.examSittings.delete([exam.id, studentId]);
      return { id: newId(), hlc, type: 'exam.submit', lessonId: exam.lessonId, examId: exam.id, studentId, answers, s: seconds };
    });
  }
}

/** SHA-256 of the student id and the code, hex: the code itself is never stored. */
export async function hashStudentCode(studentId: string, code: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${studentId}:${code}`));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The teacher sets (or, with null, clears) a student's sign-in code. Local only: no op, nothing leaves the PC. */
export async function setStudentCode(db: AppDb, studentId: string, code: string | null) {
  if (code === null) return db.studentCodes.delete(studentId);
  if (!/^\d{4}$/.test(code)) throw new Error('code: 4 digits');
  const row: StudentCodeRow = { studentId, hash: await hashStudentCode(studentId, code) };
  await db.studentCodes.put(row);
}

export async function checkStudentCode(db: AppDb, studentId: string, code: string): Promise<boolean> {
  const row = await db.studentCodes.get(studentId);
  return !row || row.hash === (await hashStudentCode(studentId, code));
}
