// Hub-side push cost without the network: 10 000 attendance ops from one enrolled demo device applied in batches of
// the hub's maximum (2000) on a real SQLite file, as /v1/sync/push applies them. Ops per second of applyPush.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHlc } from '../src/shared/hlc.ts';
import { PUSH_MAX_OPS, type Op } from '../src/shared/protocol.ts';
import { openDatabase } from '../hub/db/open-database.ts';
import { seedDemo } from '../hub/demo/seed-demo.ts';
import { enrollDevice } from '../hub/org/enroll-device.ts';
import type { DeviceRow } from '../hub/org/org-repo.ts';
import { applyPush } from '../hub/sync/apply-ops.ts';

export async function hubApplyOpsPerSec(count = 10_000): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'ykt-bench-apply-'));
  const db = openDatabase(join(dir, 'hub.sqlite'));
  try {
    const now = new Date();
    await seedDemo(db, now);
    const enrolled = await enrollDevice(db, { code: 'DEMO-ZJ-1', deviceName: 'bench', now });
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
    for (let i = 0; i < ops.length; i += PUSH_MAX_OPS) applied += (await applyPush(db, device, ops.slice(i, i + PUSH_MAX_OPS), now)).filter((a) => a.status === 'applied').length;
    const seconds = (performance.now() - started) / 1000;
    if (applied !== count) throw new Error(`hub applied ${applied} of ${count} bench ops`);
    return count / seconds;
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
