// Rows of students' 练习 and 考核 on the shared classroom PC (schema version 5). Local to the school: attempts go to the
// hub through the outbox; codes never leave the PC.

/** One answer in 练习. `at` is epoch ms by the PC's hub-corrected clock. */
export type PracticeAttemptRow = {
  id: string;
  studentId: string;
  lessonId: string;
  quizId: string;
  questionId: string;
  choice: number;
  correct: boolean;
  seconds: number;
  at: number;
  hlc: string;
};

/** A question in a student's 错题本 (practice-policy.ts `nextReview`). `questionKey` is `quizId/questionId`. */
export type ReviewItemRow = { studentId: string; questionKey: string; lessonId: string; quizId: string; questionId: string; step: number; dueAt: number };

/** The optional 4-digit code the teacher set for a student: SHA-256 of the student id and the code. */
export type StudentCodeRow = { studentId: string; hash: string };

/** A submitted 考核: stored once, never rewritten (locked on submit). */
export type ExamSubmissionRow = { examId: string; studentId: string; answers: (number | null)[]; seconds: number; submittedAt: number };

/**
 * A 考核 being taken (schema version 7): when the student opened it (epoch ms, the PC's hub-corrected clock) and the
 * answers picked so far. Kept on every tap, so leaving the paper (退出, idle sign-out, the app closed or crashed) loses
 * no answer and does not restart the clock; deleted in the transaction that locks the submission.
 */
export type ExamSittingRow = { examId: string; studentId: string; startedAt: number; answers: (number | null)[] };

export const questionKey = (quizId: string, questionId: string) => `${quizId}/${questionId}`;
