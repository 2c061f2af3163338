// Demo staff accounts (HUB_DEMO=1 only; never on a county hub): a county admin, a lead teacher of the junior-high 数学
// and 语文 courses, and the head of 昭觉县民族中学. Fixed passwords, printed at start like the demo enrollment codes.
import type { SqlDb } from '../../core/db/sql-db.ts';
import { createStaffAccount, findStaffByUsername, type NewAccount } from './staff-repo.ts';

export const demoStaff: readonly NewAccount[] = [
  { username: 'demo-county', displayName: '县教育局 张主任', role: 'county', password: 'county-demo-2026' },
  { username: 'demo-lead', displayName: '王晓峰（成都七中）', role: 'lead', password: 'lead-demo-2026', courseIds: ['crs-math-7', 'crs-chinese-7'] },
  { username: 'demo-head', displayName: '昭觉县民族中学 校长', role: 'head', password: 'head-demo-2026', schoolId: 'sch-zj' },
];

/** Creates the demo accounts that are missing (the demo organisation must exist). */
export async function ensureDemoStaff(db: SqlDb, now: Date): Promise<void> {
  if (!(await db.get(`SELECT 1 FROM schools WHERE id = 'sch-zj'`))) return; // not the demo organisation
  for (const account of demoStaff) if (!(await findStaffByUsername(db, account.username))) await createStaffAccount(db, account, now);
}

export const demoStaffLine = () => demoStaff.map((a) => `${a.username} / ${a.password}`).join(', ');
