// Binds a device to a classroom in exchange for an enrollment code. One transaction: a code with one use left cannot
// enrol two devices that race for it. A refused code is an outcome (returned before any write), not an exception.
import type { HubDatabase } from '../../core/db/open-database.ts';
import { accepted, refused } from '../../core/http/hub-error.ts';
import { getClassroom } from './org-repo.ts';
import { hashToken, newDeviceId, newDeviceToken } from './tokens.ts';

type CodeRow = { code: string; classroom_id: string; expires_at: string; max_uses: number | null; uses: number };

export async function enrollDevice(db: HubDatabase, input: { code: string; deviceName: string; now: Date }) {
  return db.transaction(async (tx) => {
    // FOR UPDATE on PostgreSQL: two nodes enrolling with the last use of one code take turns (SQLite has one writer).
    const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const row = await tx.get<CodeRow>(`SELECT * FROM enrollment_codes WHERE code = ?${lock}`, [input.code]);
    if (!row) return refused('enrollment_code_invalid', 'unknown enrollment code');
    if (Date.parse(row.expires_at) <= input.now.getTime()) return refused('enrollment_code_expired', 'enrollment code expired');
    if (row.max_uses !== null && row.uses >= row.max_uses) return refused('enrollment_code_used', 'enrollment code already used');
    const found = await getClassroom(tx, row.classroom_id);
    if (!found) return refused('enrollment_code_invalid', 'enrollment code points at a removed classroom');

    const device = { id: newDeviceId(), token: newDeviceToken() };
    await tx.run(`INSERT INTO devices (id, classroom_id, name, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?)`, [
      device.id,
      row.classroom_id,
      input.deviceName,
      hashToken(device.token),
      input.now.toISOString(),
    ]);
    await tx.run(`UPDATE enrollment_codes SET uses = uses + 1 WHERE code = ?`, [row.code]);
    return accepted({ device, ...found });
  });
}
