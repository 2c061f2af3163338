// Two hub nodes' quiz events over one PostgreSQL (LISTEN/NOTIFY): an answer applied on node A is announced on node B
// once, never echoed back to A; a NOTIFY that is not a quiz event (anyone with database access can send one) is logged
// and dropped, and the bridge goes on working.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../../tests/support/postgres-server.ts';
import { waitFor } from '../../../tests/support/ports.ts';
import { openPostgres } from '../../core/db/open-database.ts';
import type { PostgresDb } from '../../core/db/postgres-db.ts';
import { QUIZ_CHANNEL, bridgeQuizEvents, type QuizBridge } from './quiz-events-bridge.ts';
import { createHubEvents, type HubEvents, type QuizAnswered } from '../../core/hub-events.ts';

type Node = { db: PostgresDb; events: HubEvents; heard: QuizAnswered[]; logs: string[]; bridge: QuizBridge };
const nodes: Node[] = [];

async function startNode(url: string): Promise<Node> {
  const db = (await openPostgres(url, { max: 3 })) as PostgresDb;
  const events = createHubEvents();
  const heard: QuizAnswered[] = [];
  const logs: string[] = [];
  events.on('quizAnswered', (e) => heard.push(e));
  const bridge = await bridgeQuizEvents(db.pool, events, (m) => logs.push(m));
  return { db, events, heard, logs, bridge };
}

beforeAll(async () => {
  const url = await createDatabase(inject('postgresUrl'));
  nodes.push(await startNode(url), await startNode(url));
});
afterAll(async () => {
  for (const node of nodes) {
    await node.bridge.close();
    await node.db.close();
  }
});

describe('quiz events across hub nodes', () => {
  it('an answer applied on A is announced on B once, and not echoed back to A', async () => {
    const [a, b] = nodes as [Node, Node];
    const event: QuizAnswered = { lessonId: 'les-j7-0-0', quizId: 'quiz-j7-0-0', questionId: 'q1', classroomId: 'cls-zj-7-1' };
    a.events.emit('quizAnswered', event);
    await waitFor(() => Promise.resolve(b.heard.length > 0 ? true : undefined), 'B hears the answer', 10_000, 20);
    expect(b.heard).toEqual([event]);
    // A round trip later nothing more has arrived anywhere: B did not pass it on, A did not hear itself.
    await b.db.pool.query('SELECT 1');
    await a.db.pool.query('SELECT 1');
    expect(a.heard).toEqual([event]);
    expect(b.heard).toHaveLength(1);
  });

  it('drops a NOTIFY that is not a quiz event by name, and still carries the next real one', async () => {
    const [a, b] = nodes as [Node, Node];
    const before = b.heard.length;
    for (const junk of ['not json', '{"node":"x"}', JSON.stringify({ node: crypto.randomUUID(), lessonId: '../../etc', quizId: 'q', questionId: 'q', classroomId: 'c' })]) {
      await a.db.pool.query('SELECT pg_notify($1, $2)', [QUIZ_CHANNEL, junk]);
    }
    await waitFor(() => Promise.resolve(b.logs.length >= 3 ? true : undefined), 'three refusals logged on B', 10_000, 20);
    expect(b.logs.every((l) => l.includes('dropped (not a quiz event)'))).toBe(true);
    expect(b.heard).toHaveLength(before);
    const next: QuizAnswered = { lessonId: 'les-j7-0-0', quizId: 'quiz-j7-0-0', questionId: 'q2', classroomId: 'cls-zj-7-2' };
    a.events.emit('quizAnswered', next);
    await waitFor(() => Promise.resolve(b.heard.length > before ? true : undefined), 'B hears the next answer', 10_000, 20);
    expect(b.heard.at(-1)).toEqual(next);
  });
});
