// Two hub nodes on one PostgreSQL database (two in-process hubs, each with its own connection pool, over real HTTP):
// the same device's pushes delivered to both at once are applied exactly once — the op-id claim, the row-locked
// merges and the per-classroom change-log order hold across nodes, not only inside one process.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { encodeHlc } from '../../../src/shared/hlc.ts';
import { EnrollResponse, PullResponse, PushResponse, type Op, type OpAck } from '../../../src/shared/protocol.ts';
import { createDatabase } from '../../../tests/support/postgres-server.ts';
import { openPostgres } from '../../core/db/open-database.ts';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { createHub } from '../../county/create-hub.ts';

const ADMIN = 'admin-secret-for-tests-0123456789';
const NOW = new Date('2026-11-25T02:00:00Z');
const LESSON = 'les-j7-0-0';
const QUIZ = 'quiz-j7-0-0';
const STUDENTS = Array.from({ length: 12 }, (_, i) => `stu-zj-7-1-${String(i + 1).padStart(2, '0')}`);

type Node = { db: SqlDb; app: FastifyInstance; base: string };
const nodes: Node[] = [];
let token = '';

async function startNode(url: string): Promise<Node> {
  const db = await openPostgres(url, { max: 4 });
  const app = await createHub({ db, hubName: '测试中心', adminToken: ADMIN, now: () => NOW });
  return { db, app, base: await app.listen({ host: '127.0.0.1', port: 0 }) };
}

beforeAll(async () => {
  const url = await createDatabase(inject('postgresUrl'));
  // Both nodes start (and migrate) at once, as two machines behind a load balancer would; then the demo is seeded.
  nodes.push(...(await Promise.all([startNode(url), startNode(url)])));
  const [a, b] = nodes as [Node, Node];
  await Promise.all([seedDemo(a.db, NOW), seedDemo(b.db, NOW)]);
  const res = await fetch(`${a.base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-1', deviceName: '教室电脑' }) });
  token = EnrollResponse.parse(await res.json()).device.token;
});
afterAll(async () => {
  for (const node of nodes) {
    await node.app.close();
    await node.db.close();
  }
});

async function push(node: Node, ops: Op[]): Promise<OpAck[]> {
  const res = await fetch(`${node.base}/v1/sync/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ ops }) });
  const body: unknown = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return PushResponse.parse(body).acks ?? [];
}

function schoolDay(count: number): Op[] {
  return Array.from({ length: count }, (_, i): Op => {
    const hlc = encodeHlc({ wallMs: NOW.getTime() - 3_600_000 + i, counter: 0, node: 'dev_two_nodes' });
    const studentId = STUDENTS[i % STUDENTS.length] ?? '';
    const base = { id: `two-nodes-${i}`, seq: i + 1, hlc, lessonId: LESSON };
    if (i % 5 === 3) return { ...base, type: 'quiz.answer', quizId: QUIZ, questionId: 'q1', studentId, choice: i % 4 };
    if (i % 5 === 4) {
      return { ...base, type: 'note.put', noteId: `note-two-nodes-${i}`, baseHlc: null, merges: [], anchor: { kind: 'time', seconds: i }, text: `第${i}条笔记`, pause: false, deleted: false };
    }
    return { ...base, type: 'attendance.set', studentId, status: (['present', 'absent', 'late', 'leave'] as const)[i % 4] ?? 'present' };
  });
}

describe('two hub nodes on one PostgreSQL database', () => {
  it('apply each op of a device exactly once when both receive the same pushes at the same moment', async () => {
    const [a, b] = nodes as [Node, Node];
    const ops = schoolDay(400);
    // Every batch goes to both nodes at once (a client retrying through the load balancer after a timeout), in
    // batches of different sizes and order, so the two nodes' transactions overlap on the same op ids and rows.
    const batchesA = [ops.slice(0, 150), ops.slice(150, 300), ops.slice(300)];
    const batchesB = [ops.slice(0, 100), ops.slice(100, 250), ops.slice(250)].map((batch) => [...batch].reverse());
    const acks = (await Promise.all([Promise.all(batchesA.map((batch) => push(a, batch))), Promise.all(batchesB.map((batch) => push(b, batch)))])).flat(2);

    const appliedIds = acks.filter((ack) => ack.status === 'applied').map((ack) => ack.id);
    const others = acks.filter((ack) => ack.status !== 'applied');
    const report = { ops: ops.length, deliveries: acks.length, applied: appliedIds.length, duplicates: others.filter((ack) => ack.status === 'duplicate').length, rejected: others.filter((ack) => ack.status === 'rejected') };
    expect(report).toEqual({ ops: 400, deliveries: 800, applied: 400, duplicates: 400, rejected: [] });
    expect(new Set(appliedIds).size).toBe(400);

    const count = async (sql: string) => (await a.db.get<{ n: number }>(sql))?.n;
    expect(await count(`SELECT count(*) AS n FROM applied_ops`)).toBe(400);
    expect(await count(`SELECT count(*) AS n FROM quiz_answers`)).toBe(ops.filter((op) => op.type === 'quiz.answer').length);
    expect(await count(`SELECT count(*) AS n FROM note_versions`)).toBe(ops.filter((op) => op.type === 'note.put').length);
    // Attendance is last-writer-wins by HLC: each student ends with the status of their newest op, whoever applied it.
    for (const studentId of STUDENTS) {
      const newest = ops.filter((op) => op.type === 'attendance.set' && op.studentId === studentId).at(-1);
      const row = await a.db.get<{ status: string }>(`SELECT status FROM attendance WHERE lesson_id = ? AND student_id = ?`, [LESSON, studentId]);
      expect(row?.status).toBe(newest?.type === 'attendance.set' ? newest.status : undefined);
    }
  });

  it('gives a device pulling from either node every change once, in order (the change-log cursor holds across nodes)', async () => {
    const [a, b] = nodes as [Node, Node];
    // Notes written through both nodes at once append to the same classroom's log concurrently.
    const notes = (from: number) => schoolDay(from + 50).slice(from).filter((op) => op.type === 'note.put').map((op) => ({ ...op, id: `${op.id}-log`, noteId: `${op.type === 'note.put' ? op.noteId : ''}-log` }));
    const pulled: string[] = [];
    let cursor = 0;
    const pullAll = async (node: Node) => {
      for (;;) {
        const res = await fetch(`${node.base}/v1/sync/pull?cursor=${cursor}&limit=7`, { headers: { authorization: `Bearer ${token}` } });
        const page = PullResponse.parse(await res.json());
        for (const change of page.changes) if (change.type === 'note.version') pulled.push(change.note.noteId);
        cursor = page.cursor;
        if (!page.hasMore) return;
      }
    };
    const writes = Promise.all([push(a, notes(1000)), push(b, notes(2000)), push(a, notes(3000)), push(b, notes(4000))]);
    // Pull while the writes are in flight, alternating nodes, then once more after they are done.
    let done = false;
    void writes.then(() => (done = true));
    for (let i = 0; !done; i++) await pullAll(i % 2 === 0 ? a : b);
    await writes;
    await pullAll(b);
    const written = (await a.db.all<{ note_id: string }>(`SELECT note_id FROM note_versions WHERE note_id LIKE '%-log'`)).map((r) => r.note_id);
    expect(written.length).toBe(40);
    expect([...pulled.filter((id) => id.endsWith('-log'))].sort()).toEqual([...written].sort());
  });
});
