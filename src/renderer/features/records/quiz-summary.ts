// Class result of a quiz from the local answers: the latest answer per student and question counts (answers are
// append-only, a corrected answer is a newer row), a class tally adds to its question, and a student right on less than
// 60 % of the questions they answered needs help.
import type { Quiz, Student } from '../../../shared/protocol.ts';
import type { QuizAnswerRow } from '../../db/app-db.ts';

export function quizSummary(quiz: Quiz, answers: QuizAnswerRow[], roster: Student[]) {
  const latest = new Map<string, QuizAnswerRow>();
  for (const a of [...answers].sort((x, y) => (x.hlc < y.hlc ? -1 : 1))) {
    latest.set(a.studentId ? `${a.questionId}/${a.studentId}` : `${a.questionId}/tally`, a);
  }
  const rows = [...latest.values()];
  const questions = quiz.questions.map((q) => {
    const forQ = rows.filter((a) => a.questionId === q.id);
    return { questionId: q.id, answered: forQ.reduce((n, a) => n + a.total, 0), correct: forQ.reduce((n, a) => n + a.correct, 0) };
  });
  const needHelp = roster.filter((s) => {
    const mine = rows.filter((a) => a.studentId === s.id);
    return mine.length > 0 && mine.reduce((n, a) => n + a.correct, 0) / mine.length < 0.6;
  });
  return { questions, needHelp };
}
