// The report's 答题器 column: each question the lead teacher pushed during a live lesson (the lesson's live quiz,
// hub/features/quiz/live-quiz.ts) with one classroom's answers — latest per student, class tallies added.
import { Quiz } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { liveQuizId } from './quiz-repo.ts';

export type LiveQuizRow = { questionId: string; prompt: string; answered: number; correct: number };

export async function liveQuizRows(db: HubDatabase, lessonId: string, classroomId: string): Promise<LiveQuizRow[]> {
  const row = await db.get<{ id: string; body: string }>(`SELECT id, body FROM quizzes WHERE id = ? AND lesson_id = ?`, [liveQuizId(lessonId), lessonId]);
  if (!row) return [];
  const quiz = Quiz.parse(JSON.parse(row.body));
  const answers = await db.all<{ question_id: string; correct: number; answered: number }>(
    `SELECT q.question_id, sum(q.correct) AS correct, sum(q.total) AS answered FROM quiz_answers q
      WHERE q.lesson_id = ? AND q.quiz_id = ? AND q.classroom_id = ?
        AND q.hlc = (SELECT max(hlc) FROM quiz_answers r
                      WHERE r.lesson_id = q.lesson_id AND r.quiz_id = q.quiz_id AND r.question_id = q.question_id
                        AND r.classroom_id = q.classroom_id AND r.student_id IS NOT DISTINCT FROM q.student_id)
      GROUP BY q.question_id`,
    [lessonId, quiz.id, classroomId],
  );
  return quiz.questions.map((q) => {
    const a = answers.find((x) => x.question_id === q.id);
    return { questionId: q.id, prompt: q.prompt, answered: a?.answered ?? 0, correct: a?.correct ?? 0 };
  });
}
