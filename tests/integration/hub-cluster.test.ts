// Two hub nodes behind HAProxy, sharing one PostgreSQL database and one data directory, with nginx caching blobs
// (tests/support/hub-cluster.ts, tests/support/postgres-server.ts): a classroom's pushes through either node are applied exactly once, a killed node
// loses nothing, and a blob is served from the cache only to a device the hub allows.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ContentPaths, PacksResponse } from '../../src/shared/content-protocol.ts';
import { ErrorResponse, PROTOCOL_HEADER, PROTOCOL_VERSION, type Op } from '../../src/shared/protocol.ts';
import { ContentStats, TestPaths } from '../../hub/testing/test-routes.ts';
import { adminGet, enrollClassroom, pullTimetable, pushOps, schoolDayOps } from '../support/classroom-sim.ts';
import { startHubCluster, type HubCluster } from '../support/hub-cluster.ts';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { proxyUnavailable } from '../support/proxy-process.ts';

const ReportRows = z.object({
  rows: z.array(
    z.object({
      lessonId: z.string(),
      classroomId: z.string(),
      attendance: z.object({ recorded: z.number() }),
      quiz: z.object({ answered: z.number() }).nullable(),
    }),
  ),
});
const DeviceOps = z.object({ opIds: z.array(z.string()), quizAnswerRows: z.number(), quizAnswerOps: z.number(), noteVersionRows: z.number() });

let postgres: PostgresServer;
let cluster: HubCluster;

beforeAll(async () => {
  for (const kind of ['haproxy', 'nginx'] as const) {
    const missing = proxyUnavailable(kind);
    if (missing) throw new Error(missing);
  }
  postgres = await startPostgresServer();
  cluster = await startHubCluster({ nodes: 2, databaseUrl: await postgres.createDatabase() });
  // Each node says which store it runs on: both on PostgreSQL, none on a SQLite file of its own.
  for (const i of [0, 1]) expect(cluster.nodeOutput(i)).toContain('hub: store is PostgreSQL');
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
  await postgres?.stop();
}, 60_000);

const statuses = (acks: { status: string }[]) => [...new Set(acks.map((a) => a.status))];

describe('two hub nodes behind HAProxy', () => {
  it('a push through node A, A killed, the rest (and the unacknowledged push again) through the balancer: each op applied once, the report exact', async () => {
    const { device, classroom } = await enrollClassroom(cluster.url, 'DEMO-ZJ-1');
    const timetable = await pullTimetable(cluster.url, device.token);
    const withQuiz = timetable.lessons.find((l) => timetable.quizzes.some((q) => q.lessonId === l.id)) ?? expect.fail('a lesson with a quiz');
    const other = timetable.lessons.find((l) => l.id !== withQuiz.id) ?? expect.fail('a second lesson');
    const ops = schoolDayOps(device.id, { lessons: [withQuiz, other], students: timetable.students, quizzes: timetable.quizzes }, Date.now());
    const first = ops.slice(0, Math.floor(ops.length / 2));
    const rest = ops.slice(first.length);

    expect(statuses(await pushOps(cluster.nodeUrls[0] ?? '', device.token, first))).toEqual(['applied']);
    await cluster.kill(0);
    try {
    // The classroom never saw the answer to its first push (as if A died before answering): it sends it again, with the
    // rest, to the balancer, which finds node A dead and passes the request to node B.
    const acks = await pushOps(cluster.url, device.token, [...first, ...rest]);
    expect(acks.slice(0, first.length).every((a) => a.status === 'duplicate')).toBe(true);
    expect(acks.slice(first.length).every((a) => a.status === 'applied')).toBe(true);
    expect(statuses(await pushOps(cluster.nodeUrls[1] ?? '', device.token, rest))).toEqual(['duplicate']);

    const quizOps = ops.filter((o): o is Extract<Op, { type: 'quiz.answer' }> => o.type === 'quiz.answer');
    const stored = DeviceOps.parse(await adminGet(cluster.url, cluster.adminToken, TestPaths.deviceOps(device.id)));
    expect(stored.opIds.toSorted()).toEqual(ops.map((o) => o.id).toSorted());
    expect(stored).toMatchObject({ quizAnswerRows: quizOps.length, quizAnswerOps: quizOps.length, noteVersionRows: 2 });

    const report = ReportRows.parse(await adminGet(cluster.url, cluster.adminToken, '/v1/admin/report'));
    const row = (lessonId: string) => report.rows.find((r) => r.lessonId === lessonId && r.classroomId === classroom.id) ?? expect.fail(`report row ${lessonId}`);
    for (const lesson of [withQuiz, other]) {
      const answers = quizOps.filter((o) => o.lessonId === lesson.id).length;
      expect(row(lesson.id).attendance.recorded).toBe(timetable.students.length);
      expect(row(lesson.id).quiz?.answered ?? 0).toBe(answers);
    }
    } finally {
      await cluster.restart(0);
    }
    // Node A back: it serves the same classroom from the same database.
    expect(statuses(await pushOps(cluster.nodeUrls[0] ?? '', device.token, ops))).toEqual(['duplicate']);
  }, 120_000);

  it('nginx serves a blob from its cache the second time, and never to a device the hub refuses', async () => {
    const zj = (await enrollClassroom(cluster.url, 'DEMO-ZJ-2')).device.token;
    const lt = (await enrollClassroom(cluster.url, 'DEMO-LT-1')).device.token;
    const packs = async (token: string) => {
      const res = await fetch(`${cluster.url}${ContentPaths.packs}`, { headers: { authorization: `Bearer ${token}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) } });
      return PacksResponse.parse(await res.json()).packs.flatMap((p) => p.manifest.files);
    };
    const ltFiles = new Set((await packs(lt)).map((f) => f.sha256));
    const file = (await packs(zj)).find((f) => !ltFiles.has(f.sha256)) ?? expect.fail('a file of 昭觉 that 理塘 may not read');
    const blob = (token: string | undefined, headers: Record<string, string> = {}) =>
      fetch(`${cluster.url}${ContentPaths.blob(file.sha256)}`, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    const hubBytes = async () => {
      let sum = 0;
      for (const url of cluster.nodeUrls) sum += ContentStats.parse(await adminGet(url, cluster.adminToken, TestPaths.contentStats)).bytesSent;
      return sum;
    };
    const sha = (bytes: ArrayBuffer) => createHash('sha256').update(Buffer.from(bytes)).digest('hex');
    const before = await hubBytes();

    const miss = await blob(zj);
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache-status')).toBe('MISS');
    expect(sha(await miss.arrayBuffer())).toBe(file.sha256);
    const hit = await blob(zj);
    expect(hit.headers.get('x-cache-status')).toBe('HIT');
    expect(sha(await hit.arrayBuffer())).toBe(file.sha256);
    const range = await blob(zj, { range: 'bytes=0-9' });
    expect(range.status).toBe(206);
    expect(range.headers.get('x-cache-status')).toBe('HIT');
    expect((await range.arrayBuffer()).byteLength).toBe(Math.min(10, file.size));
    // Three answers, the bytes left a hub once (the cache fills in 1 MiB slices, so at most one more slice's worth).
    expect((await hubBytes()) - before).toBeLessThanOrEqual(file.size);

    // Refused by the hub's access check: the hub's own named error, no cached byte.
    for (const [token, status, code] of [
      [lt, 404, 'not_found'], // another school's classroom
      [undefined, 401, 'unauthorized'],
      ['not-a-device-token-000000000000', 401, 'unauthorized'],
    ] as const) {
      const res = await blob(token);
      expect(res.status).toBe(status);
      expect(res.headers.get('x-cache-status')).toBe('BYPASS');
      expect(ErrorResponse.parse(await res.json()).error.code).toBe(code);
    }
  }, 60_000);
});
