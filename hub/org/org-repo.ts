// Organisation queries: schools, classrooms, devices and enrollment codes. Plain functions over the database handle.
import type { HubDatabase } from '../db/open-database.ts';
import type { Classroom, School } from '../../src/shared/protocol.ts';

type SchoolRow = { id: string; alliance_id: string; name: string; kind: 'lead' | 'receiving' };
type ClassroomRow = { id: string; school_id: string; name: string; grade: string };

export function getClassroom(db: HubDatabase, id: string): { classroom: Classroom; school: School } | undefined {
  const row = db.prepare(`SELECT * FROM classrooms WHERE id = ?`).get(id) as ClassroomRow | undefined;
  if (!row) return undefined;
  const school = db.prepare(`SELECT * FROM schools WHERE id = ?`).get(row.school_id) as SchoolRow;
  return {
    classroom: { id: row.id, schoolId: row.school_id, name: row.name, grade: row.grade },
    school: { id: school.id, allianceId: school.alliance_id, name: school.name, kind: school.kind },
  };
}

export function listClassrooms(db: HubDatabase) {
  return db
    .prepare(
      `SELECT c.id, c.name, c.grade, s.id AS schoolId, s.name AS schoolName,
              (SELECT count(*) FROM devices d WHERE d.classroom_id = c.id AND d.revoked_at IS NULL) AS activeDevices
         FROM classrooms c JOIN schools s ON s.id = c.school_id
        WHERE s.kind = 'receiving' ORDER BY s.name, c.name`,
    )
    .all() as { id: string; name: string; grade: string; schoolId: string; schoolName: string; activeDevices: number }[];
}

export type DeviceRow = { id: string; classroom_id: string; name: string; revoked_at: string | null };

export function findDeviceByTokenHash(db: HubDatabase, tokenHash: string): DeviceRow | undefined {
  return db.prepare(`SELECT id, classroom_id, name, revoked_at FROM devices WHERE token_hash = ?`).get(tokenHash) as
    | DeviceRow
    | undefined;
}

export function revokeDevice(db: HubDatabase, deviceId: string, now: Date): boolean {
  const result = db.prepare(`UPDATE devices SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`).run(now.toISOString(), deviceId);
  return result.changes > 0;
}

export function touchDevice(db: HubDatabase, deviceId: string, now: Date) {
  db.prepare(`UPDATE devices SET last_seen_at = ? WHERE id = ?`).run(now.toISOString(), deviceId);
}

export function createEnrollmentCode(
  db: HubDatabase,
  code: { code: string; classroomId: string; expiresAt: Date; maxUses: number | null; now: Date },
) {
  db.prepare(`INSERT INTO enrollment_codes (code, classroom_id, expires_at, max_uses, created_at) VALUES (?, ?, ?, ?, ?)`).run(
    code.code,
    code.classroomId,
    code.expiresAt.toISOString(),
    code.maxUses,
    code.now.toISOString(),
  );
}
