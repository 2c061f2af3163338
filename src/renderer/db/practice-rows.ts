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

export const questionKey = (quizId: string, questionId: string) => `${quizId}/${questionId}`;
