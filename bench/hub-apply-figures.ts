// Hub-side push cost without the network: 10 000 attendance ops from one enrolled demo device applied in batches of
// the hub's maximum (2000), as /v1/sync/push applies them. Ops per second of applyPush on a real SQLite file, and on a
// throwaway PostgreSQL server (loopback, fsync off like the tests' and `npm run load`'s) both in bulk (applyPush) and op
// by op (applyPushOpByOp: a savepoint, a claim and the checks per op, as every push was applied before bulk).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHlc } from '../src/shared/hlc.ts';
import { PUSH_MAX_OPS, type Op } from '../src/shared/protocol.ts';
import { openDatabase, openPostgres } from '../hub/core/db/open-database.ts';
import type { SqlDb } from '../hub/core/db/sql-db.ts';
import { seedDemo } from '../hub/features/demo/seed-demo.ts';
import { enrollDevice } from '../hub/features/org/enroll-device.ts';
import { valueOrThrow } from '../hub/core/http/hub-error.ts';
import type { DeviceRow } from '../hub/features/org/org-repo.ts';
import { applyPush, applyPushOpByOp } from '../hub/features/records/apply-ops.ts';
import { startPostgresServer } from '../tests/support/postgres-server.ts';

type Apply = (db: SqlDb, device: DeviceRow, ops: unknown[], now: Date) => Promise<{ status: string }[]>;

async function opsPerSec(db: SqlDb, count: number, apply: Apply): Promise<number> {
  const now = new Date();
  await seedDemo(db, now);
  const enrolled = valueOrThrow(await enrollDevice(db, { code: 'DEMO-ZJ-1', deviceName: 'bench', now }));
  const device = (await db.get<DeviceRow>(`SELECT id, classroom_id, name, revoked_at FROM devices WHERE id = ?`, [enrolled.device.id])) as DeviceRow;
  const lessons = (await db.all<{ lesson_id: string }>(`SELECT lesson_id FROM lesson_audience WHERE classroom_id = ?`, [device.classroom_id])).map((r) => r.lesson_id);
  const students = (await db.all<{ id: string }>(`SELECT id FROM students WHERE classroom_id = ?`, [device.classroom_id])).map((r) => r.id);
  const statuses = ['present', 'absent', 'late', 'leave'] as const;
  const ops: Op[] = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    seq: i + 1,
    hlc: encodeHlc({ wallMs: now.getTime() - count + i, counter: 0, node: device.id }),
    type: 'attendance.set',
    lessonId: lessons[i % lessons.length] ?? '',
    studentId: students[(i * 7) % students.length] ?? '',
    status: statuses[i % 4] ?? 'present',
  }));
  const started = performance.now();
  let applied = 0;
  for (let i = 0; i < ops.length; i += PUSH_MAX_OPS) applied += (await apply(db, device, ops.slice(i, i + PUSH_MAX_OPS), now)).filter((a) => a.status === 'applied').length;
  const seconds = (performance.now() - started) / 1000;
  if (applied !== count) throw new Error(`hub applied ${applied} of ${count} bench ops`);
  return count / seconds;
}

export async function hubApplyOpsPerSec(count = 10_000): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'ykt-bench-apply-'));
  const db = openDatabase(join(dir, 'hub.sqlite'));
  try {
    return await opsPerSec(db, count, applyPush);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** PostgreSQL, each way on its own fresh database of one server. */
export async function hubApplyOpsPerSecPg(count = 10_000): Promise<{ bulk: number; opByOp: number }> {
  const server = await startPostgresServer();
  try {
    const run = async (apply: Apply) => {
      const db = await openPostgres(await server.createDatabase(), { max: 2 });
      try {
        return await opsPerSec(db, count, apply);
      } finally {
        await db.close();
      }
    };
    return { bulk: await run(applyPush), opByOp: await run(applyPushOpByOp) };
  } finally {
    await server.stop();
  }
}
