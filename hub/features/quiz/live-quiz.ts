// 答题器 on the hub: what the lead console may push (the lesson's quizzes, then its course's), the question it pushes
// (a typed one, or one from another lesson of the course, is added to the lesson's live quiz, so classrooms sync
// answers to it like to any quiz of the lesson and the report counts them), and each pushed question's results per
// classroom, recomputed from the database whenever answers arrive.
import { Quiz } from '../../../src/shared/protocol.ts';
import type { LiveRequestData, PushableQuestion, QuestionResults } from '../../../src/shared/live-protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { HubError } from '../../core/http/hub-error.ts';
import { liveQuizId, putQuiz } from './quiz-repo.ts';

export const LIVE_QUIZ_TITLE = '课堂答题器';
const MAX_QUESTIONS = 50;

const quizzesOf = async (db: HubDatabase, sql: string, ...params: string[]) =>
  (await db.all<{ body: string }>(sql, params)).map((r) => Quiz.parse(JSON.parse(r.body)));

/** The lesson's own quizzes first, then the other lessons' of the same course; each question once. */
export async function pushableQuestions(db: HubDatabase, lessonId: string): Promise<PushableQuestion[]> {
  const own = await quizzesOf(db, `SELECT body FROM quizzes WHERE lesson_id = ? ORDER BY id`, lessonId);
  const course = await quizzesOf(
    db,
    `SELECT q.body FROM quizzes q JOIN lessons l ON l.id = q.lesson_id
      WHERE l.course_id = (SELECT course_id FROM lessons WHERE id = ?) AND q.lesson_id <> ? ORDER BY l.starts_at DESC, q.id`,
    lessonId,
    lessonId,
  );
  const seen = new Set<string>();
  const out: PushableQuestion[] = [];
  for (const quiz of [...own, ...course]) {
    for (const question of quiz.questions) {
      const key = JSON.stringify([question.prompt, question.choices, question.answer]);
      if (seen.has(key) || out.length >= 200) continue;
      seen.add(key);
      out.push({ quizId: quiz.id, quizTitle: quiz.title, question });
    }
  }
  return out;
}

/** Adds a question to the lesson's live quiz (or finds the same one there), delivered to the classrooms by sync. */
async function intoLiveQuiz(db: HubDatabase, lessonId: string, q: { prompt: string; choices: string[]; answer: number }, now: Date) {
  const id = liveQuizId(lessonId);
  const row = await db.get<{ body: string }>(`SELECT body FROM quizzes WHERE id = ?`, [id]);
  const quiz: Quiz = row ? Quiz.parse(JSON.parse(row.body)) : { id, lessonId, title: LIVE_QUIZ_TITLE, questions: [] };
  const same = quiz.questions.find((x) => x.prompt === q.prompt && x.answer === q.answer && JSON.stringify(x.choices) === JSON.stringify(q.choices));
  if (same) return { quiz, question: same };
  if (quiz.questions.length >= MAX_QUESTIONS) throw new HubError('bad_request', `this lesson's live quiz already has ${MAX_QUESTIONS} questions`);
  const question = { id: `lq${quiz.questions.length + 1}`, prompt: q.prompt, choices: q.choices, answer: q.answer };
  const updated: Quiz = { ...quiz, questions: [...quiz.questions, question] };
  await putQuiz(db, updated, now);
  return { quiz: updated, question };
}

/** The quiz and question a push shows: the lesson's own as they are, anything else through the live quiz. */
export async function questionToPush(db: HubDatabase, lessonId: string, request: LiveRequestData<'pushQuestion'>, now: Date) {
  if ('typed' in request) return intoLiveQuiz(db, lessonId, request.typed, now);
  const row = await db.get<{ body: string }>(
    `SELECT q.body FROM quizzes q JOIN lessons l ON l.id = q.lesson_id
      WHERE q.id = ? AND l.course_id = (SELECT course_id FROM lessons WHERE id = ?)`,
    [request.quizId, lessonId],
  );
  const quiz = row ? Quiz.parse(JSON.parse(row.body)) : null;
  const question = quiz?.questions.find((q) => q.id === request.questionId);
  if (!quiz || !question) throw new HubError('not_found', `question ${request.questionId} of quiz ${request.quizId} is not in this course`);
  return quiz.lessonId === lessonId ? { quiz, question } : intoLiveQuiz(db, lessonId, question, now);
}

/** Latest answer per student (a corrected answer replaces the first) and the latest class tally, per audience classroom. */
export async function questionResults(db: HubDatabase, lessonId: string, quizId: string, questionId: string): Promise<QuestionResults> {
  const quizRow = await db.get<{ body: string }>(`SELECT body FROM quizzes WHERE id = ?`, [quizId]);
  const choiceCount = quizRow ? (Quiz.parse(JSON.parse(quizRow.body)).questions.find((q) => q.id === questionId)?.choices.length ?? 0) : 0;
  const audience = await db.all<{ id: string; name: string }>(
    `SELECT a.classroom_id AS id, c.name FROM lesson_audience a JOIN classrooms c ON c.id = a.classroom_id WHERE a.lesson_id = ? ORDER BY c.name`,
    [lessonId],
  );
  const latest = await db.all<{ classroom_id: string; student_id: string | null; choice: number | null; correct: number; total: number }>(
    `SELECT q.classroom_id, q.student_id, q.choice, q.correct, q.total FROM quiz_answers q
      WHERE q.lesson_id = ? AND q.quiz_id = ? AND q.question_id = ?
        AND q.hlc = (SELECT max(hlc) FROM quiz_answers r
                      WHERE r.lesson_id = q.lesson_id AND r.quiz_id = q.quiz_id AND r.question_id = q.question_id
                        AND r.classroom_id = q.classroom_id AND r.student_id IS NOT DISTINCT FROM q.student_id)`,
    [lessonId, quizId, questionId],
  );
  const empty = () => ({ answered: 0, correct: 0, choices: Array.from({ length: choiceCount }, () => 0) });
  const total = empty();
  const classrooms = audience.map((c) => {
    const tally = empty();
    for (const row of latest.filter((r) => r.classroom_id === c.id)) {
      tally.answered += row.total;
      tally.correct += row.correct;
      if (row.choice !== null && row.choice < choiceCount) tally.choices[row.choice] = (tally.choices[row.choice] ?? 0) + 1;
    }
    total.answered += tally.answered;
    total.correct += tally.correct;
    tally.choices.forEach((n, i) => (total.choices[i] = (total.choices[i] ?? 0) + n));
    return { classroomId: c.id, classroomName: c.name, ...tally };
  });
  return { quizId, questionId, classrooms, total };
}
