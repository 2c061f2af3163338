// Packs in the hub database: the manifest as served, which blobs it uses, and which lessons it is attached to. Device
// access is scoped by classroom: a device sees only packs of its classroom's lessons, and only their blobs.
import { PackManifest, type PackListing } from '../../src/shared/content-protocol.ts';
import type { HubDatabase } from '../db/open-database.ts';

export function savePack(db: HubDatabase, manifest: PackManifest, now: Date) {
  const checked = PackManifest.parse(manifest);
  db.transaction(() => {
    const blob = db.prepare(`INSERT OR IGNORE INTO content_blobs (sha256, size, stored_at) VALUES (?, ?, ?)`);
    for (const f of checked.files) blob.run(f.sha256, f.size, now.toISOString());
    db.prepare(
      `INSERT INTO packs (id, kind, title, manifest, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, manifest = excluded.manifest`,
    ).run(checked.id, checked.kind, checked.title, JSON.stringify(checked), checked.createdAt);
    db.prepare(`DELETE FROM pack_files WHERE pack_id = ?`).run(checked.id);
    const file = db.prepare(`INSERT OR IGNORE INTO pack_files (pack_id, sha256) VALUES (?, ?)`);
    for (const f of checked.files) file.run(checked.id, f.sha256);
  })();
}

export function attachPack(db: HubDatabase, packId: string, lessonIds: string[]) {
  const attach = db.prepare(`INSERT OR IGNORE INTO lesson_packs (lesson_id, pack_id) VALUES (?, ?)`);
  db.transaction(() => lessonIds.forEach((lessonId) => attach.run(lessonId, packId)))();
}

export function packsForClassroom(db: HubDatabase, classroomId: string): PackListing[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.manifest, group_concat(lp.lesson_id) AS lesson_ids
         FROM packs p
         JOIN lesson_packs lp ON lp.pack_id = p.id
         JOIN lesson_audience la ON la.lesson_id = lp.lesson_id AND la.classroom_id = ?
        GROUP BY p.id ORDER BY p.id`,
    )
    .all(classroomId) as { id: string; manifest: string; lesson_ids: string }[];
  return rows.map((r) => ({ manifest: PackManifest.parse(JSON.parse(r.manifest)), lessonIds: r.lesson_ids.split(',').sort() }));
}

/** The blob's size if the classroom may read it (it belongs to a pack of one of its lessons), else undefined. */
export function blobForClassroom(db: HubDatabase, sha256: string, classroomId: string): { size: number } | undefined {
  return db
    .prepare(
      `SELECT b.size FROM content_blobs b
        WHERE b.sha256 = ? AND EXISTS (
          SELECT 1 FROM pack_files pf
            JOIN lesson_packs lp ON lp.pack_id = pf.pack_id
            JOIN lesson_audience la ON la.lesson_id = lp.lesson_id
           WHERE pf.sha256 = b.sha256 AND la.classroom_id = ?)`,
    )
    .get(sha256, classroomId) as { size: number } | undefined;
}
