// Quiz answers arriving through sync push are announced in-process, so the live module can show the lead console each
// classroom's results as they come (答题器). Only applied ops count: a replayed (duplicate) op announces nothing, and the
// results themselves are recomputed from the database, so nothing is ever counted twice.
import { z } from 'zod';
import type { OpAck } from '../../../src/shared/protocol.ts';
import type { HubEvents, QuizAnswered } from '../../core/hub-events.ts';

// The fields an announcement needs. An op acknowledged `applied` already passed the full Op schema in applyPush (acks
// are in the ops' order), so this narrow read of the applied quiz ops is all it takes, not a second full parse of
// every op of the batch.
const AnsweredOp = z.object({ type: z.enum(['quiz.answer', 'quiz.tally']), lessonId: z.string(), quizId: z.string(), questionId: z.string() });

/** One event per (lesson, quiz, question) that got newly applied answers in this push (`acks[i]` answers `ops[i]`). */
export function announceQuizAnswers(events: HubEvents | undefined, classroomId: string, ops: readonly unknown[], acks: readonly OpAck[]) {
  if (!events) return;
  const seen = new Map<string, QuizAnswered>();
  for (const [i, raw] of ops.entries()) {
    if (acks[i]?.status !== 'applied' || typeof raw !== 'object' || raw === null || !('type' in raw) || (raw.type !== 'quiz.answer' && raw.type !== 'quiz.tally')) continue;
    const op = AnsweredOp.safeParse(raw);
    if (!op.success) continue;
    const { lessonId, quizId, questionId } = op.data;
    const key = `${lessonId}/${quizId}/${questionId}`;
    if (!seen.has(key)) seen.set(key, { lessonId, quizId, questionId, classroomId });
  }
  for (const event of seen.values()) events.emit('quizAnswered', event);
}
