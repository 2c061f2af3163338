// After the load run: what the hub stored, asked of the hub itself (the test build's per-device op list, through the
// balancer), against what every classroom sent. Lost: an op the hub does not have. Duplicated: an op id stored twice,
// a quiz answer or note version stored twice for one op, or an op the hub answered `applied` more than once.
import { z } from 'zod';
import { TestPaths } from '../../hub/testing/test-routes.ts';
import { adminGet } from '../../tests/support/classroom-sim.ts';
import type { AckLedger } from './load-stats.ts';
import { inPool, retrying, type Classroom, type DayContext } from './school-day.ts';

const DeviceOps = z.object({ opIds: z.array(z.string()), quizAnswerRows: z.number(), quizAnswerOps: z.number(), noteVersionRows: z.number() });

export type DayCheck = { sent: number; stored: number; lost: number; duplicated: number; unacknowledged: number; rejected: string[] };

export async function verifyDay(ctx: DayContext, classrooms: Classroom[], ledger: AckLedger): Promise<DayCheck> {
  const check: DayCheck = { sent: 0, stored: 0, lost: 0, duplicated: ledger.appliedTwice(), unacknowledged: 0, rejected: ledger.rejected() };
  await inPool(classrooms, ctx.concurrency, async (c) => {
    const sent = c.periods.flat();
    // a read, so retried like the day's requests (a keep-alive connection closed under it must not end the run)
    const answer = await retrying(ctx, c.classroomId, 'stored ops', () => adminGet(ctx.url, ctx.adminToken, TestPaths.deviceOps(c.deviceId)));
    const stored = DeviceOps.parse(answer);
    const storedIds = new Set(stored.opIds);
    check.sent += sent.length;
    check.stored += stored.opIds.length;
    check.lost += sent.filter((op) => !storedIds.has(op.id)).length;
    check.unacknowledged += sent.filter((op) => !ledger.acknowledged(op.id)).length;
    const notes = sent.filter((op) => op.type === 'note.put').length;
    check.duplicated += stored.opIds.length - storedIds.size + (stored.quizAnswerRows - stored.quizAnswerOps) + Math.max(0, stored.noteVersionRows - notes);
  });
  return check;
}
