// Packs in the hub database: the manifest as served with the hub's signature of it, which blobs it uses, and which
// lessons it is attached to. Device access is scoped by classroom: a device sees only packs of its classroom's lessons,
// and only their blobs.
import { PackManifest, type PackListing } from '../../../src/shared/content-protocol.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import type { PackSigner } from '../../core/signing/pack-signing.ts';

/** Stores a manifest signed by the hub's key (signing here means no pack can be stored without a signature). */
export async function savePack(db: HubDatabase, manifest: PackManifest, now: Date, signer: PackSigner) {
  const checked = PackManifest.parse(manifest);
  const signature = signer.sign(checked);
  await db.transaction(async (tx) => {
    for (const f of checked.files) {
      await tx.run(`INSERT INTO content_blobs (sha256, size, stored_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, [f.sha256, f.size, now.toISOString()]);
    }
    await tx.run(
      `INSERT INTO packs (id, kind, title, manifest, created_at, signature) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, manifest = excluded.manifest,
         created_at = excluded.created_at, signature = excluded.signature`,
      [checked.id, checked.kind, checked.title, JSON.stringify(checked), checked.createdAt, signature],
    );
    await tx.run(`DELETE FROM pack_files WHERE pack_id = ?`, [checked.id]);
    for (const f of checked.files) await tx.run(`INSERT INTO pack_files (pack_id, sha256) VALUES (?, ?) ON CONFLICT DO NOTHING`, [checked.id, f.sha256]);
  });
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
export async function packCreatedAt(db: HubDatabase, packId: string): Promise<string | undefined> {
  return (await db.get<{ created_at: string }>(`SELECT created_at FROM packs WHERE id = ?`, [packId]))?.created_at;
}

/**
 * Signs every pack whose signature is missing (stored before migration 7) or is not by this key (a key restored from
 * another backup). Run at start. A manifest that no longer parses is never signed (packsForClassroom leaves it out);
 * it is reported in `unreadable`.
 */
export async function signUnsignedPacks(db: HubDatabase, signer: PackSigner): Promise<{ signed: string[]; unreadable: string[] }> {
  return db.transaction(async (tx) => {
    const rows = await tx.all<{ id: string; manifest: string; signature: string | null }>(`SELECT id, manifest, signature FROM packs ORDER BY id`);
    const signed: string[] = [];
    const unreadable: string[] = [];
    for (const row of rows) {
      const manifest = storedManifest(row.manifest);
      if (!manifest) {
        unreadable.push(row.id);
        continue;
      }
      if (row.signature !== null && signer.verify(manifest, row.signature)) continue;
      await tx.run(`UPDATE packs SET signature = ? WHERE id = ?`, [signer.sign(manifest), row.id]);
      signed.push(row.id);
    }
    return { signed, unreadable };
  });
}

export async function attachPack(db: HubDatabase, packId: string, lessonIds: string[]) {
  await db.transaction(async (tx) => {
    for (const lessonId of lessonIds) await tx.run(`INSERT INTO lesson_packs (lesson_id, pack_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, [lessonId, packId]);
  });
}

/**
 * Every signed pack of the classroom's lessons. A stored manifest that no longer passes today's rules (a name stored
 * before the name rules were tightened) is left out rather than failing the whole list; `skipped` says which.
 */
export async function packsForClassroom(db: HubDatabase, classroomId: string, skipped: (packId: string) => void = () => undefined): Promise<PackListing[]> {
  // One row per (pack, lesson), grouped here: the engines spell string aggregation differently.
  const rows = await db.all<{ id: string; manifest: string; signature: string | null; lesson_id: string }>(
    `SELECT p.id, p.manifest, p.signature, lp.lesson_id
       FROM packs p
       JOIN lesson_packs lp ON lp.pack_id = p.id
       JOIN lesson_audience la ON la.lesson_id = lp.lesson_id AND la.classroom_id = ?
      ORDER BY p.id, lp.lesson_id`,
    [classroomId],
  );
  const byPack = new Map<string, { manifest: string; signature: string | null; lessonIds: string[] }>();
  for (const r of rows) {
    const pack = byPack.get(r.id) ?? { manifest: r.manifest, signature: r.signature, lessonIds: [] };
    pack.lessonIds.push(r.lesson_id);
    byPack.set(r.id, pack);
  }
  const listings: PackListing[] = [];
  for (const [id, r] of byPack) {
    const manifest = storedManifest(r.manifest);
    if (!manifest || r.signature === null) {
      skipped(id);
      continue;
    }
    listings.push({ manifest, lessonIds: r.lessonIds.sort(), signature: r.signature });
  }
  return listings;
}

/** The blob's size if the classroom may read it (it belongs to a pack of one of its lessons), else undefined. */
export async function blobForClassroom(db: HubDatabase, sha256: string, classroomId: string): Promise<{ size: number } | undefined> {
  return db.get<{ size: number }>(
    `SELECT b.size FROM content_blobs b
      WHERE b.sha256 = ? AND EXISTS (
        SELECT 1 FROM pack_files pf
          JOIN lesson_packs lp ON lp.pack_id = pf.pack_id
          JOIN lesson_audience la ON la.lesson_id = lp.lesson_id
         WHERE pf.sha256 = b.sha256 AND la.classroom_id = ?)`,
    [sha256, classroomId],
  );
}
