// Packs in the hub database: the manifest as served with the hub's signature of it, which blobs it uses, and which
// lessons it is attached to. Device access is scoped by classroom: a device sees only packs of its classroom's lessons,
// and only their blobs.
import { PackManifest, type PackListing } from '../../src/shared/content-protocol.ts';
import type { HubDatabase } from '../db/open-database.ts';
import type { PackSigner } from './pack-signing.ts';

/** Stores a manifest signed by the hub's key (signing here means no pack can be stored without a signature). */
export function savePack(db: HubDatabase, manifest: PackManifest, now: Date, signer: PackSigner) {
  const checked = PackManifest.parse(manifest);
  const signature = signer.sign(checked);
  db.transaction(() => {
    const blob = db.prepare(`INSERT OR IGNORE INTO content_blobs (sha256, size, stored_at) VALUES (?, ?, ?)`);
    for (const f of checked.files) blob.run(f.sha256, f.size, now.toISOString());
    db.prepare(
      `INSERT INTO packs (id, kind, title, manifest, created_at, signature) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, manifest = excluded.manifest,
         created_at = excluded.created_at, signature = excluded.signature`,
    ).run(checked.id, checked.kind, checked.title, JSON.stringify(checked), checked.createdAt, signature);
    db.prepare(`DELETE FROM pack_files WHERE pack_id = ?`).run(checked.id);
    const file = db.prepare(`INSERT OR IGNORE INTO pack_files (pack_id, sha256) VALUES (?, ?)`);
    for (const f of checked.files) file.run(checked.id, f.sha256);
  })();
}

/** A stored manifest as today's schema reads it, or null (damaged JSON, or a name stored before the rules tightened). */
function storedManifest(text: string): PackManifest | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null; // the caller skips it and says so; one bad row must not stop the hub or the list
  }
  const parsed = PackManifest.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** When the stored version of a pack was made, so a new version can be made strictly later (classrooms take only newer). */
export function packCreatedAt(db: HubDatabase, packId: string): string | undefined {
  return (db.prepare(`SELECT created_at FROM packs WHERE id = ?`).get(packId) as { created_at: string } | undefined)?.created_at;
}

/**
 * Signs every pack whose signature is missing (stored before migration 7) or is not by this key (a key restored from
 * another backup). Run at start. A manifest that no longer parses is never signed (packsForClassroom leaves it out);
 * it is reported in `unreadable`.
 */
export function signUnsignedPacks(db: HubDatabase, signer: PackSigner): { signed: string[]; unreadable: string[] } {
  const rows = db.prepare(`SELECT id, manifest, signature FROM packs ORDER BY id`).all() as { id: string; manifest: string; signature: string | null }[];
  const update = db.prepare(`UPDATE packs SET signature = ? WHERE id = ?`);
  const signed: string[] = [];
  const unreadable: string[] = [];
  db.transaction(() => {
    for (const row of rows) {
      const manifest = storedManifest(row.manifest);
      if (!manifest) {
        unreadable.push(row.id);
        continue;
      }
      if (row.signature !== null && signer.verify(manifest, row.signature)) continue;
      update.run(signer.sign(manifest), row.id);
      signed.push(row.id);
    }
  })();
  return { signed, unreadable };
}

export function attachPack(db: HubDatabase, packId: string, lessonIds: string[]) {
  const attach = db.prepare(`INSERT OR IGNORE INTO lesson_packs (lesson_id, pack_id) VALUES (?, ?)`);
  db.transaction(() => lessonIds.forEach((lessonId) => attach.run(lessonId, packId)))();
}

/**
 * Every signed pack of the classroom's lessons. A stored manifest that no longer passes today's rules (a name stored
 * before the name rules were tightened) is left out rather than failing the whole list; `skipped` says which.
 */
export function packsForClassroom(db: HubDatabase, classroomId: string, skipped: (packId: string) => void = () => undefined): PackListing[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.manifest, p.signature, group_concat(lp.lesson_id) AS lesson_ids
         FROM packs p
         JOIN lesson_packs lp ON lp.pack_id = p.id
         JOIN lesson_audience la ON la.lesson_id = lp.lesson_id AND la.classroom_id = ?
        GROUP BY p.id ORDER BY p.id`,
    )
    .all(classroomId) as { id: string; manifest: string; signature: string | null; lesson_ids: string }[];
  const listings: PackListing[] = [];
  for (const r of rows) {
    const manifest = storedManifest(r.manifest);
    if (!manifest || r.signature === null) {
      skipped(r.id);
      continue;
    }
    listings.push({ manifest, lessonIds: r.lesson_ids.split(',').sort(), signature: r.signature });
  }
  return listings;
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
