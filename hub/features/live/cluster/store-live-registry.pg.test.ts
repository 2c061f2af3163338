// The live registry on PostgreSQL with two hub nodes: each node sees the other's lesson routers and where to call it,
// and a node whose heartbeat stops is no longer read as hosting anything (nor called) once the timeout has passed.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../../../tests/support/postgres-server.ts';
import { openPostgres } from '../../../core/db/open-database.ts';
import type { SqlDb } from '../../../core/db/sql-db.ts';
import type { RouterPlacement } from './live-registry.ts';
import { createStoreLiveRegistry, type StoreLiveRegistry } from './store-live-registry.ts';

const TIMEOUT = 15_000;
let clock = Date.parse('2026-11-30T08:00:00Z');
const dbs: SqlDb[] = [];
let a: StoreLiveRegistry;
let b: StoreLiveRegistry;
let url = '';

const open = async (nodeId: string) => {
  const db = await openPostgres(url, { max: 2 });
  dbs.push(db);
  return createStoreLiveRegistry({ db, nodeId, nodeUrl: `http://${nodeId}.internal:8787`, now: () => clock, heartbeatTimeoutMs: TIMEOUT, heartbeatEveryMs: 0, log: () => undefined });
};

beforeAll(async () => {
  url = await createDatabase(inject('postgresUrl'));
  a = await open('node-a');
  b = await open('node-b');
});
afterAll(async () => {
  a?.close();
  b?.close();
  for (const db of dbs) await db.close();
});

const placement = (over: Partial<RouterPlacement>): RouterPlacement => ({ lessonId: 'L1', nodeId: 'node-a', workerIndex: 0, workerPid: 100, routerId: 'r-a', role: 'origin', viewers: 0, ...over });

describe('the live registry on PostgreSQL, two nodes', () => {
  it('each node sees the other’s routers of a lesson, origin first, with their viewers, and where to call it', async () => {
    await a.put(placement({ routerId: 'r-a', nodeId: 'node-a', role: 'origin' }));
    await b.put(placement({ routerId: 'r-b', nodeId: 'node-b', workerIndex: 1, workerPid: 200, role: 'fanout', viewers: 3 }));
    await b.put(placement({ routerId: 'r-b', nodeId: 'node-b', workerIndex: 1, workerPid: 200, role: 'fanout', viewers: 4 }));
    await a.put(placement({ lessonId: 'L2', routerId: 'r-other' }));
    const seenFromB = await b.lesson('L1');
    expect(seenFromB.map((p) => [p.routerId, p.nodeId, p.role, p.viewers, p.workerIndex, p.workerPid])).toEqual([
      ['r-a', 'node-a', 'origin', 0, 0, 100],
      ['r-b', 'node-b', 'fanout', 4, 1, 200],
    ]);
    expect(await a.lesson('L1')).toEqual(seenFromB);
    expect(await b.nodeUrl('node-a')).toBe('http://node-a.internal:8787');
    expect(await a.nodeUrl('node-b')).toBe('http://node-b.internal:8787');
    expect(await a.nodeUrl('node-c')).toBeNull();
    await a.remove('r-other');
    expect(await b.lesson('L2')).toEqual([]);
  });

  it('a node whose heartbeat stopped: its rows are ignored after the timeout, while the other node’s stay', async () => {
    clock += TIMEOUT - 1_000;
    await b.heartbeat(); // node A has stopped beating (killed)
    expect((await b.lesson('L1')).map((p) => p.nodeId)).toEqual(['node-a', 'node-b']);
    clock += 2_000;
    expect((await b.lesson('L1')).map((p) => p.nodeId)).toEqual(['node-b']);
    expect(await b.nodeUrl('node-a')).toBeNull();
    // Still there for whoever must clean up after node A.
    expect((await b.node('node-a')).map((p) => p.routerId)).toEqual(['r-a']);
    // A beats again: its rows count again.
    await a.heartbeat();
    expect((await b.lesson('L1')).map((p) => p.nodeId)).toEqual(['node-a', 'node-b']);
  });

  it('a node started again under the same id drops the rows its earlier process left (those routers died with it)', async () => {
    const restarted = await open('node-a');
    try {
      expect(await b.node('node-a')).toEqual([]);
      expect((await b.lesson('L1')).map((p) => p.nodeId)).toEqual(['node-b']);
    } finally {
      restarted.close();
    }
  });

  it('two nodes claiming a lesson’s first origin at the same moment: one wins, the other is told (no second origin)', async () => {
    await Promise.all([a.heartbeat(), b.heartbeat()]);
    for (let round = 0; round < 10; round++) {
      const lessonId = `L-race-${round}`;
      const won = await Promise.all([
        a.claimOrigin(placement({ lessonId, nodeId: 'node-a', routerId: `ra-${round}` })),
        b.claimOrigin(placement({ lessonId, nodeId: 'node-b', routerId: `rb-${round}` })),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      const origins = (await a.lesson(lessonId)).filter((p) => p.role === 'origin');
      expect(origins.map((p) => p.nodeId)).toEqual([won[0] ? 'node-a' : 'node-b']);
    }
  });

  it('a claim replaces its own node’s earlier origin (a router made again) and a dead node’s, never a live other node’s', async () => {
    await Promise.all([a.heartbeat(), b.heartbeat()]);
    expect(await a.claimOrigin(placement({ lessonId: 'L-own', routerId: 'own-1' }))).toBe(true);
    expect(await a.claimOrigin(placement({ lessonId: 'L-own', routerId: 'own-2' }))).toBe(true);
    expect((await b.lesson('L-own')).map((p) => p.routerId)).toEqual(['own-2']);
    expect(await b.claimOrigin(placement({ lessonId: 'L-own', nodeId: 'node-b', routerId: 'theirs' }))).toBe(false);
    expect((await b.lesson('L-own')).map((p) => p.routerId)).toEqual(['own-2']);
    // node A stops beating: after the timeout its origin no longer holds the lesson.
    clock += TIMEOUT + 1_000;
    await b.heartbeat();
    expect(await b.claimOrigin(placement({ lessonId: 'L-own', nodeId: 'node-b', routerId: 'theirs' }))).toBe(true);
    expect((await b.lesson('L-own')).map((p) => [p.routerId, p.role])).toEqual([['theirs', 'origin']]);
    await a.heartbeat();
    expect(await a.claimOrigin(placement({ lessonId: 'L-own', routerId: 'own-3' }))).toBe(false);
  });
});
