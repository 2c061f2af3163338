// Organisation queries: schools, classrooms, devices and enrollment codes. Plain functions over the database handle.
import type { HubDatabase } from '../../core/db/open-database.ts';
import type { Classroom, School } from '../../../src/shared/protocol.ts';

type SchoolRow = { id: string; alliance_id: string; name: string; kind: 'lead' | 'receiving' };
type ClassroomRow = { id: string; school_id: string; name: string; grade: string };

export async function getClassroom(db: HubDatabase, id: string): Promise<{ classroom: Classroom; school: School } | undefined> {
  const row = await db.get<ClassroomRow>(`SELECT * FROM classrooms WHERE id = ?`, [id]);
  if (!row) return undefined;
  const school = await db.get<SchoolRow>(`SELECT * FROM schools WHERE id = ?`, [row.school_id]);
  if (!school) return undefined;
  return {
    classroom: { id: row.id, schoolId: row.school_id, name: row.name, grade: row.grade },
    school: { id: school.id, allianceId: school.alliance_id, name: school.name, kind: school.kind },
  };
}

export async function listClassrooms(db: HubDatabase) {
  return db.all<{ id: string; name: string; grade: string; schoolId: string; schoolName: string; activeDevices: number }>(
    `SELECT c.id, c.name, c.grade, s.id AS "schoolId", s.name AS "schoolName",
            (SELECT count(*) FROM devices d WHERE d.classroom_id = c.id AND d.revoked_at IS NULL) AS "activeDevices"
       FROM classrooms c JOIN schools s ON s.id = c.school_id
      WHERE s.kind = 'receiving' ORDER BY s.name, c.name`,
  );
}

export type DeviceRow = { id: string; classroom_id: string; name: string; revoked_at: string | null; last_seen_at?: string | null };

export async function findDeviceByTokenHash(db: HubDatabase, tokenHash: string): Promise<DeviceRow | undefined> {
  return db.get<DeviceRow>(`SELECT id, classroom_id, name, revoked_at, last_seen_at FROM devices WHERE token_hash = ?`, [tokenHash]);
}

export async function revokeDevice(db: HubDatabase, deviceId: string, now: Date): Promise<boolean> {
  const result = await db.run(`UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, [now.toISOString(), deviceId]);
  return result.changes > 0;
}

/** How fresh `last_seen_at` is kept: a minute is what an operator asks ("is it on?"), not every request. */
export const LAST_SEEN_PRECISION_MS = 60_000;

/**
 * Notes that the device was seen, at most once a minute: every request wrote the row before, one statement and a new
 * row version each (a classroom pushing and pulling all day, 1 200 of them through a province's hub).
 */
export async function touchDevice(db: HubDatabase, device: Pick<DeviceRow, 'id' | 'last_seen_at'>, now: Date): Promise<boolean> {
  const seen = device.last_seen_at ? Date.parse(device.last_seen_at) : Number.NaN;
  if (Number.isFinite(seen) && now.getTime() - seen < LAST_SEEN_PRECISION_MS && now.getTime() >= seen) return false;
  await db.run(`UPDATE devices SET last_seen_at = ? WHERE id = ?`, [now.toISOString(), device.id]);
  return true;
}

export async function createEnrollmentCode(
  db: HubDatabase,
  code: { code: string; classroomId: string; expiresAt: Date; maxUses: number | null; now: Date },
) {
  await db.run(`INSERT INTO enrollment_codes (code, classroom_id, expires_at, max_uses, created_at) VALUES (?, ?, ?, ?, ?)`, [
    code.code,
    code.classroomId,
    code.expiresAt.toISOString(),
    code.maxUses,
    code.now.toISOString(),
  ]);
}
