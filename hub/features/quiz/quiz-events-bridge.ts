// Several hub nodes on one PostgreSQL: a quiz answer pushed through node B must reach the lead console connected to
// node A (答题器 results as they arrive). Each node NOTIFYs the answers it applied on one channel and LISTENs on a
// connection of its own; what it hears from the other nodes it announces locally, exactly as its own. A payload that
// does not parse (anyone with database access can NOTIFY) is logged and dropped. The console's results are recomputed
// from the database on each event, so an event heard twice never counts an answer twice.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { Id } from '../../../src/shared/protocol.ts';
import type { HubEvents, QuizAnswered } from '../../core/hub-events.ts';

export const QUIZ_CHANNEL = 'ykt_quiz_answered';

const Payload = z.object({ node: z.string().uuid(), lessonId: Id, quizId: Id, questionId: Id, classroomId: Id });

export type QuizBridge = { close(): Promise<void> };

export async function bridgeQuizEvents(pool: pg.Pool, events: HubEvents, log: (message: string) => void): Promise<QuizBridge> {
  const node = randomUUID();
  const heard = new WeakSet<QuizAnswered>();
  // A connection of its own, outside the pool: LISTEN holds it for the hub's life, and the pool's few connections are
  // for requests.
  const listener = new pg.Client(pool.options);
  await listener.connect();
  let closed = false;
  listener.on('notification', (message) => {
    if (message.channel !== QUIZ_CHANNEL) return;
    let parsed: z.infer<typeof Payload>;
    try {
      parsed = Payload.parse(JSON.parse(message.payload ?? ''));
    } catch (error) {
      log(`hub: quiz event from another node dropped (not a quiz event): ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`);
      return;
    }
    if (parsed.node === node) return; // our own, already announced here
    const event: QuizAnswered = { lessonId: parsed.lessonId, quizId: parsed.quizId, questionId: parsed.questionId, classroomId: parsed.classroomId };
    heard.add(event);
    events.emit('quizAnswered', event);
  });
  listener.on('error', (error) => log(`hub: quiz event listener connection failed: ${error.message}`));
  await listener.query(`LISTEN ${QUIZ_CHANNEL}`);

  const tell = (event: QuizAnswered) => {
    if (closed || heard.has(event)) return; // heard from another node: it told the others itself
    pool.query('SELECT pg_notify($1, $2)', [QUIZ_CHANNEL, JSON.stringify({ node, ...event })]).catch((error: unknown) => {
      log(`hub: quiz event not sent to the other nodes: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  events.on('quizAnswered', tell);

  return {
    async close() {
      closed = true;
      events.off('quizAnswered', tell);
      await listener.end().catch((error: unknown) => log(`hub: quiz event listener not closed cleanly: ${error instanceof Error ? error.message : String(error)}`));
    },
  };
}
