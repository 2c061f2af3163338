// Failed-attempt limits with two hub nodes on one PostgreSQL database: wrong enrollment codes sent through node A
// count on node B too, so a guesser cannot double their tries by alternating nodes behind the load balancer.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorResponse } from '../../src/shared/protocol.ts';
import { createDatabase } from '../../tests/support/postgres-server.ts';
import { openPostgres } from '../core/db/open-database.ts';
import type { SqlDb } from '../core/db/sql-db.ts';
import { seedDemo } from '../features/demo/seed-demo.ts';
import { createHub } from './create-hub.ts';

const NOW = new Date('2026-11-25T02:00:00Z');
const LIMIT = { maxFailures: 3, windowMs: 15 * 60_000 };
type Node = { db: SqlDb; app: FastifyInstance; base: string };
const nodes: Node[] = [];

beforeAll(async () => {
  const url = await createDatabase(inject('postgresUrl'));
  for (let i = 0; i < 2; i++) {
    const db = await openPostgres(url, { max: 2 });
    const app = await createHub({ db, hubName: '测试中心', adminToken: 'admin-secret-for-tests-0123456789', now: () => NOW, limits: { enrollPerAddress: LIMIT } });
    nodes.push({ db, app, base: await app.listen({ host: '127.0.0.1', port: 0 }) });
  }
  await seedDemo((nodes[0] as Node).db, NOW);
});
afterAll(async () => {
  for (const node of nodes) {
    await node.app.close();
    await node.db.close();
  }
});

const enroll = async (node: Node, code: string) => {
  const res = await fetch(`${node.base}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: '教室电脑' }) });
  return { status: res.status, code: ErrorResponse.safeParse(await res.json()).data?.error.code };
};

describe('two hub nodes share failed-attempt limits', () => {
  it('refuses on node B an address that reached the limit through node A, by name, and enrolls nothing', async () => {
    const [a, b] = nodes as [Node, Node];
    const devices = async () => (await a.db.get<{ n: number }>(`SELECT count(*) AS n FROM devices`))?.n;
    const before = await devices();
    // Failures alternate between the nodes; the limit counts them together.
    expect(await enroll(a, 'WRONG-0001')).toEqual({ status: 404, code: 'enrollment_code_invalid' });
    expect(await enroll(b, 'WRONG-0002')).toEqual({ status: 404, code: 'enrollment_code_invalid' });
    expect(await enroll(a, 'WRONG-0003')).toEqual({ status: 404, code: 'enrollment_code_invalid' });
    // Even the right code is not looked at now, on either node.
    expect(await enroll(b, 'DEMO-ZJ-1')).toEqual({ status: 429, code: 'rate_limited' });
    expect(await enroll(a, 'DEMO-ZJ-1')).toEqual({ status: 429, code: 'rate_limited' });
    expect(await devices()).toBe(before);
  });
});
