// Quiz definitions: stored with their lesson and delivered to the lesson's classrooms through the change log.
import { Quiz } from '../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { appendChange } from '../timetable/change-log.ts';
import { lessonAudience } from '../timetable/timetable-repo.ts';
import { derivedId } from '../../core/derived-id.ts';

/** The quiz a live lesson's 答题器 questions are kept in (typed on the console, or taken from another lesson). */
export const liveQuizId = (lessonId: string) => derivedId('live', lessonId);

export async function putQuiz(db: HubDatabase, quiz: Quiz, now: Date) {
  const valid = Quiz.parse(quiz);
  await db.transaction(async (tx) => {
    await tx.run(`INSERT INTO quizzes (id, lesson_id, body) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET lesson_id = excluded.lesson_id, body = excluded.body`, [
      valid.id,
      valid.lessonId,
      JSON.stringify(valid),
    ]);
    for (const classroomId of await lessonAudience(tx, valid.lessonId)) await appendChange(tx, classroomId, { type: 'quiz.put', quiz: valid }, now);
  });
}
