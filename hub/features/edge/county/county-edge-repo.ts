// County-hub side of school edges: edge codes (one use, one school), edges (token stored hashed, like devices), and
// the two questions an edge asks: which blobs may this school read, and which does it need in the next days.
import { randomBytes } from 'node:crypto';
import { PackManifest } from '../../../../src/shared/content-protocol.ts';
import type { EdgeFile } from '../../../../src/shared/edge-protocol.ts';
import type { School } from '../../../../src/shared/protocol.ts';
import type { HubDatabase } from '../../../core/db/open-database.ts';
import { sqlInstant } from '../../../core/db/sql-db.ts';
import { accepted, refused, type Outcome } from '../../../core/http/hub-error.ts';
import { hashToken, newDeviceToken, newEnrollmentCode } from '../../org/tokens.ts';

export type EdgeRow = { id: string; school_id: string; name: string; revoked_at: string | null };
type SchoolRow = { id: string; alliance_id: string; name: string; kind: 'lead' | 'receiving' };

export async function findSchool(db: HubDatabase, id: string): Promise<School | undefined> {
  const row = await db.get<SchoolRow>(`SELECT * FROM schools WHERE id = ?`, [id]);
  return row && { id: row.id, allianceId: row.alliance_id, name: row.name, kind: row.kind };
}

export async function createEdgeCode(db: HubDatabase, schoolId: string, expiresAt: Date, now: Date): Promise<Outcome<string>> {
  if (!(await findSchool(db, schoolId))) return refused('not_found', 'school');
  const code = `EDGE-${newEnrollmentCode()}`;
  await db.run(`INSERT INTO edge_codes (code, school_id, expires_at, created_at) VALUES (?, ?, ?, ?)`, [code, schoolId, expiresAt.toISOString(), now.toISOString()]);
  return accepted(code);
}

/** One transaction (the code row locked on PostgreSQL): a code cannot enroll two edges that race for it. A refusal
 *  comes before any write. */
export async function enrollEdge(db: HubDatabase, input: { code: string; edgeName: string; now: Date }): Promise<Outcome<{ edgeId: string; token: string; school: School }>> {
  return db.transaction(async (tx) => {
    const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const row = await tx.get<{ code: string; school_id: string; expires_at: string; used_at: string | null }>(`SELECT * FROM edge_codes WHERE code = ?${lock}`, [input.code]);
    if (!row) return refused('enrollment_code_invalid', 'unknown edge code');
    if (Date.parse(row.expires_at) <= input.now.getTime()) return refused('enrollment_code_expired', 'edge code expired');
    if (row.used_at !== null) return refused('enrollment_code_used', 'edge code already used');
    const school = await findSchool(tx, row.school_id);
    if (!school) return refused('enrollment_code_invalid', 'edge code points at a removed school');
    const edge = { id: `edge_${randomBytes(8).toString('hex')}`, token: newDeviceToken() };
    await tx.run(`INSERT INTO edges (id, school_id, name, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?)`, [
      edge.id,
      school.id,
      input.edgeName,
      hashToken(edge.token),
      input.now.toISOString(),
    ]);
    await tx.run(`UPDATE edge_codes SET used_at = ? WHERE code = ?`, [input.now.toISOString(), row.code]);
    return accepted({ edgeId: edge.id, token: edge.token, school });
  });
}

export async function findEdgeByToken(db: HubDatabase, token: string, now: Date): Promise<EdgeRow | undefined> {
  const edge = await db.get<EdgeRow>(`SELECT id, school_id, name, revoked_at FROM edges WHERE token_hash = ?`, [hashToken(token)]);
  if (edge && !edge.revoked_at) await db.run(`UPDATE edges SET last_seen_at = ? WHERE id = ?`, [now.toISOString(), edge.id]);
  return edge;
}

/** The blob's size if a classroom of the school may read it (a pack of one of its lessons), else undefined. */
export async function blobForSchool(db: HubDatabase, sha256: string, schoolId: string): Promise<{ size: number } | undefined> {
  return db.get<{ size: number }>(
    `SELECT b.size FROM content_blobs b
      WHERE b.sha256 = ? AND EXISTS (
        SELECT 1 FROM pack_files pf
          JOIN lesson_packs lp ON lp.pack_id = pf.pack_id
          JOIN lesson_audience la ON la.lesson_id = lp.lesson_id
          JOIN classrooms c ON c.id = la.classroom_id
         WHERE pf.sha256 = b.sha256 AND c.school_id = ?)`,
    [sha256, schoolId],
  );
}

/**
 * Files of signed packs attached to the school's lessons that end after `from` and start before `until`: what the edge
 * keeps (pinned) and fetches ahead in its download hours. A stored manifest that no longer parses is left out.
 */
export async function pinnedFilesForSchool(db: HubDatabase, schoolId: string, from: Date, until: Date): Promise<EdgeFile[]> {
  const t = (column: string) => sqlInstant(db, column);
  const rows = await db.all<{ id: string; manifest: string }>(
    `SELECT p.id, p.manifest FROM packs p
       JOIN lesson_packs lp ON lp.pack_id = p.id
       JOIN lessons l ON l.id = lp.lesson_id
       JOIN lesson_audience la ON la.lesson_id = l.id
       JOIN classrooms c ON c.id = la.classroom_id
      WHERE c.school_id = ? AND p.signature IS NOT NULL
        AND ${t('l.ends_at')} >= ${t('?')} AND ${t('l.starts_at')} <= ${t('?')}
      GROUP BY p.id, p.manifest ORDER BY min(${t('l.starts_at')}), p.id`,
    [schoolId, from.toISOString(), until.toISOString()],
  );
  const files = new Map<string, EdgeFile>();
  for (const row of rows) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.manifest);
    } catch {
      continue;
    }
    const manifest = PackManifest.safeParse(parsed);
    if (!manifest.success) continue;
    for (const f of manifest.data.files) if (!files.has(f.sha256)) files.set(f.sha256, { sha256: f.sha256, size: f.size, chunkSize: f.chunkSize, chunks: f.chunks });
  }
  return [...files.values()]; // next lessons first
}
