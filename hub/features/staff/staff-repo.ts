// Staff accounts (county admin, lead teacher of given courses, receiving-school head) and their sign-in sessions. The
// scope an account may see is resolved here once per request (resolveScope) and handed to every report query.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SqlDb } from '../../core/db/sql-db.ts';
import { hashPassword } from './passwords.ts';

export const StaffRole = z.enum(['county', 'lead', 'head']);
export type StaffRole = z.infer<typeof StaffRole>;

/** What a signed-in account may see. `null` = no limit on that axis (a county admin: both null). */
export type StaffScope = {
  accountId: string;
  username: string;
  displayName: string;
  role: StaffRole;
  schoolIds: readonly string[] | null;
  courseIds: readonly string[] | null;
};

export type NewAccount = { username: string; displayName: string; role: StaffRole; password: string; schoolId?: string; courseIds?: string[] };

export const SESSION_HOURS = 12;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export async function createStaffAccount(db: SqlDb, account: NewAccount, now: Date): Promise<string> {
  if ((account.role === 'head') !== (account.schoolId !== undefined)) throw new Error('a receiving-school head, and only a head, has a school');
  if (account.role === 'lead' && (account.courseIds ?? []).length === 0) throw new Error('a lead teacher needs at least one course');
  const id = `staff_${randomBytes(8).toString('hex')}`;
  const passwordHash = await hashPassword(account.password);
  await db.transaction(async (tx) => {
    await tx.run(`INSERT INTO staff_accounts (id, username, display_name, role, school_id, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
      id,
      account.username,
      account.displayName,
      account.role,
      account.schoolId ?? null,
      passwordHash,
      now.toISOString(),
    ]);
    for (const courseId of account.role === 'lead' ? (account.courseIds ?? []) : []) {
      await tx.run(`INSERT INTO staff_courses (account_id, course_id) VALUES (?, ?)`, [id, courseId]);
    }
  });
  return id;
}

export async function findStaffByUsername(db: SqlDb, username: string) {
  return db.get<{ id: string; password_hash: string }>(`SELECT id, password_hash FROM staff_accounts WHERE username = ?`, [username]);
}

export async function resolveScope(db: SqlDb, accountId: string): Promise<StaffScope | undefined> {
  const row = await db.get<{ id: string; username: string; display_name: string; role: string; school_id: string | null }>(
    `SELECT id, username, display_name, role, school_id FROM staff_accounts WHERE id = ?`,
    [accountId],
  );
  if (!row) return undefined;
  const role = StaffRole.parse(row.role);
  const courses = role === 'lead' ? (await db.all<{ course_id: string }>(`SELECT course_id FROM staff_courses WHERE account_id = ? ORDER BY course_id`, [row.id])).map((c) => c.course_id) : null;
  return { accountId: row.id, username: row.username, displayName: row.display_name, role, schoolIds: role === 'head' && row.school_id ? [row.school_id] : null, courseIds: courses };
}

/** A new session: the cookie's id (returned once, never stored) and its CSRF token. */
export async function createSession(db: SqlDb, accountId: string, now: Date): Promise<{ sessionId: string; csrfToken: string }> {
  const sessionId = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expires = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await db.run(`DELETE FROM staff_sessions WHERE expires_at <= ?`, [now.toISOString()]);
  await db.run(`INSERT INTO staff_sessions (id_hash, account_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`, [
    sha256(sessionId),
    accountId,
    csrfToken,
    now.toISOString(),
    expires.toISOString(),
  ]);
  return { sessionId, csrfToken };
}

export async function findSession(db: SqlDb, sessionId: string, now: Date) {
  return db.get<{ account_id: string; csrf_token: string }>(`SELECT account_id, csrf_token FROM staff_sessions WHERE id_hash = ? AND expires_at > ?`, [
    sha256(sessionId),
    now.toISOString(),
  ]);
}

export async function deleteSession(db: SqlDb, sessionId: string): Promise<void> {
  await db.run(`DELETE FROM staff_sessions WHERE id_hash = ?`, [sha256(sessionId)]);
}

/** Ends every session of the account but `keepSessionId` (after a password change: a stolen cookie stops working). */
export async function deleteOtherSessions(db: SqlDb, accountId: string, keepSessionId: string): Promise<number> {
  return (await db.run(`DELETE FROM staff_sessions WHERE account_id = ? AND id_hash <> ?`, [accountId, sha256(keepSessionId)])).changes;
}
