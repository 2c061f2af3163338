// Quiz answers arriving through sync push are announced in-process, so the live module can show the lead console each
// classroom's results as they come (答题器). Only applied ops count: a replayed (duplicate) op announces nothing, and the
// results themselves are recomputed from the database, so nothing is ever counted twice.
import { Op, type OpAck } from '../../../src/shared/protocol.ts';
import type { HubEvents, QuizAnswered } from '../../core/hub-events.ts';

/** One event per (lesson, quiz, question) that got newly applied answers in this push. */
export function announceQuizAnswers(events: HubEvents | undefined, classroomId: string, ops: unknown[], acks: OpAck[]) {
  if (!events) return;
  const applied = new Set(acks.filter((a) => a.status === 'applied').map((a) => a.id));
  const seen = new Map<string, QuizAnswered>();
  for (const raw of ops) {
    const op = Op.safeParse(raw);
    if (!op.success || !applied.has(op.data.id) || (op.data.type !== 'quiz.answer' && op.data.type !== 'quiz.tally')) continue;
    const { lessonId, quizId, questionId } = op.data;
    seen.set(`${lessonId}/${quizId}/${questionId}`, { lessonId, quizId, questionId, classroomId });
  }
  for (const event of seen.values()) events.emit('quizAnswered', event);
}
