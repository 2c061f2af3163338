// Property: however a device's ops are batched, replayed and reordered (retries after lost acks, a page reopened
// mid-push), the hub ends in the state of applying each op exactly once, attendance resolved by the newest HLC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../src/shared/hlc.ts';
import type { Op } from '../../../src/shared/protocol.ts';
import { openDatabase } from '../../core/db/open-database.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { enrollDevice } from '../org/enroll-device.ts';
import { valueOrThrow } from '../../core/http/hub-error.ts';
import { findDeviceByTokenHash } from '../org/org-repo.ts';
import { hashToken } from '../org/tokens.ts';
import { applyPush } from './apply-ops.ts';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 4_294_967_296);
}

describe('applyPush under replay and reordering', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('seed %i: state equals exactly-once application', async (seed) => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-prop-'));
    const db = openDatabase(join(dir, 'hub.sqlite'));
    try {
      const now = new Date('2026-11-25T02:00:00Z');
      await seedDemo(db, now);
      const { device: enrolled } = valueOrThrow(await enrollDevice(db, { code: 'DEMO-ZJ-1', deviceName: 'pc', now }));
      const device = await findDeviceByTokenHash(db, hashToken(enrolled.token));
      if (!device) throw new Error('device missing');
      const random = lcg(seed);
      const pick = <T,>(xs: T[]) => xs[Math.floor(random() * xs.length)] as T;
      const students = ['01', '02', '03', '04'].map((n) => `stu-zj-7-1-${n}`);
      const statuses = ['present', 'absent', 'late', 'leave'] as const;
      const ops: Op[] = Array.from({ length: 200 }, (_, i) =>
        i % 4 === 3
          ? { id: `q${i}`, seq: i, hlc: encodeHlc({ wallMs: 1000 + i, counter: 0, node: 'd' }), type: 'quiz.answer', lessonId: 'les-j7-0-0', quizId: 'quiz-j7-0-0', questionId: 'q1', studentId: pick(students), choice: Math.floor(random() * 4) }
          : { id: `a${i}`, seq: i, hlc: encodeHlc({ wallMs: 1000 + Math.floor(random() * 150), counter: i, node: 'd' }), type: 'attendance.set', lessonId: 'les-j7-0-0', studentId: pick(students), status: pick([...statuses]) },
      );
      // Deliveries: every op at least once, some several times, in shuffled batches.
      const deliveries = [...ops, ...ops.filter(() => random() < 0.4), ...ops.filter(() => random() < 0.2)].sort(() => random() - 0.5);
      for (let i = 0; i < deliveries.length; ) {
        const size = 1 + Math.floor(random() * 40);
        await applyPush(db, device, deliveries.slice(i, i + size), now);
        i += size;
      }

      expect(db.raw.prepare(`SELECT count(*) AS n FROM applied_ops`).get()).toEqual({ n: ops.length });
      expect(db.raw.prepare(`SELECT count(*) AS n FROM quiz_answers`).get()).toEqual({ n: ops.filter((o) => o.type === 'quiz.answer').length });
      for (const studentId of students) {
        const newest = ops
          .filter((o): o is Extract<Op, { type: 'attendance.set' }> => o.type === 'attendance.set' && o.studentId === studentId)
          .sort((a, b) => (a.hlc < b.hlc ? 1 : -1))[0];
        const row = db.raw.prepare(`SELECT status FROM attendance WHERE lesson_id = 'les-j7-0-0' AND student_id = ?`).get(studentId) as { status: string } | undefined;
        expect(row?.status).toBe(newest?.status);
      }
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
