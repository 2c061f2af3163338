// `npm run hub` twice (two real processes: the hub with its test routes) on one PostgreSQL database and one shared data
// folder, as two nodes of a province hub: a classroom enrolls and pushes through node A, A is killed (SIGKILL, an
// outage), the classroom resends its unacknowledged batch and pushes the rest through node B — every op is on the hub
// exactly once, and B serves the timetable A's device pulls.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { EnrollResponse, PullResponse, PushResponse, type Op } from '../../src/shared/protocol.ts';
import { startHubProcess, type HubProcess } from '../../tests/support/hub-process.ts';
import { createDatabase } from '../../tests/support/postgres-server.ts';
import { freePort } from '../../tests/support/ports.ts';

const ADMIN = 'admin-secret-for-tests-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'hub-two-nodes-'));
const nodes: HubProcess[] = [];

beforeAll(async () => {
  const extraEnv = { HUB_DATABASE_URL: await createDatabase(inject('postgresUrl')), MEDIASOUP_WORKER_BIN: '/nonexistent', HUB_RECORD: '0' };
  // One after the other: the first seeds the demo and makes the shared signing key; the second finds both.
  for (let i = 0; i < 2; i++) nodes.push(await startHubProcess({ port: await freePort(), dataDir, adminToken: ADMIN, extraEnv }));
}, 120_000);
afterAll(async () => {
  for (const node of nodes) await node.stop({ graceful: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('two hub processes on one PostgreSQL database', () => {
  it('keep every op of a classroom exactly once when the node it pushed through is killed', async () => {
    const [a, b] = nodes as [HubProcess, HubProcess];
    expect(a.output()).toContain('store is PostgreSQL');
    const res = await fetch(`${a.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-1', deviceName: '教室电脑' }) });
    const { device } = EnrollResponse.parse(await res.json());
    const auth = { authorization: `Bearer ${device.token}` };
    const ops: Op[] = Array.from({ length: 300 }, (_, i) => ({
      id: `kill-${i}`,
      seq: i + 1,
      hlc: encodeHlc({ wallMs: Date.now() - 60_000 + i, counter: 0, node: device.id }),
      type: 'attendance.set',
      lessonId: 'les-j7-0-0',
      studentId: `stu-zj-7-1-${String((i % 40) + 1).padStart(2, '0')}`,
      status: (['present', 'absent', 'late', 'leave'] as const)[i % 4] ?? 'present',
    }));
    const push = async (node: HubProcess, batch: Op[]) => {
      const answer = await fetch(`${node.url}/v1/sync/push`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ ops: batch }) });
      return PushResponse.parse(await answer.json()).acks ?? [];
    };

    const first = await push(a, ops.slice(0, 200));
    await a.stop(); // SIGKILL: the device never saw the answer to its next batch, so it resends it through B
    const resent = await push(b, ops.slice(100, 200));
    const rest = await push(b, ops.slice(200));
    expect(first.filter((ack) => ack.status === 'applied')).toHaveLength(200);
    expect(resent.map((ack) => ack.status)).toEqual(Array.from({ length: 100 }, () => 'duplicate'));
    expect(rest.filter((ack) => ack.status === 'applied')).toHaveLength(100);

    const onHub = await fetch(`${b.url}/v1/admin/devices/${device.id}/ops`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const { opIds } = (await onHub.json()) as { opIds: string[] };
    expect({ onHub: opIds.length, distinct: new Set(opIds).size }).toEqual({ onHub: 300, distinct: 300 });
    const pulled = PullResponse.parse(await (await fetch(`${b.url}/v1/sync/pull?cursor=0`, { headers: auth })).json());
    expect(pulled.changes.some((change) => change.type === 'lesson.put')).toBe(true);
  });
});
