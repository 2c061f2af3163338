// Export and import of the local database as a JSON snapshot, for the backup main keeps in the user-data folder
// (IndexedDB can be lost when an update changes the app's storage). Generic over whatever tables the schema has, so
// the outbox, notes, attendance… of later schema versions are included without changes here. Large content (tables
// named in LARGE_CONTENT_TABLES, and any binary value) is left out: it can be downloaded again, records cannot.
import type Dexie from 'dexie';
import { BACKUP_FORMAT, BackupSnapshot, type BackupLatest } from '../../shared/update-protocol.ts';

/** Tables holding re-downloadable content bytes (packs, recordings): never in a backup. */
export const LARGE_CONTENT_TABLES: ReadonlySet<string> = new Set(['blobs', 'chunks', 'contentBlobs', 'contentChunks', 'fileChunks', 'chunkParts']);

const INSTANCE_KEY = 'dbInstanceId';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isBinary(value: unknown): boolean {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value) || (typeof Blob !== 'undefined' && value instanceof Blob);
}

/** Dates survive as {$date}; binary values are dropped (undefined). */
function encode(value: unknown): Json | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return { $date: value.toISOString() };
  if (isBinary(value)) return undefined;
  if (Array.isArray(value)) return value.map((v) => encode(v) ?? null);
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) {
      const e = encode(v);
      if (e !== undefined) out[k] = e;
    }
    return out;
  }
  return undefined;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === '$date' && typeof entries[0][1] === 'string') return new Date(entries[0][1]);
    return Object.fromEntries(entries.map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

/** The primary key of a row for a key path (a name, a dotted path, or a compound [a, b] path). */
function keyOf(row: unknown, keyPath: string | string[]): unknown {
  const at = (path: string) => path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), row);
  return Array.isArray(keyPath) ? keyPath.map(at) : at(keyPath);
}

const hasInboundKey = (table: Dexie.Table) => table.schema.primKey.keyPath !== null && table.schema.primKey.keyPath !== undefined;

export async function exportSnapshot(db: Dexie, appVersion: string, now: Date): Promise<BackupSnapshot> {
  const tables = db.tables.filter((t) => !LARGE_CONTENT_TABLES.has(t.name));
  const out: Record<string, unknown[]> = {};
  // One read transaction: the outbox and the notes it refers to are captured at the same instant.
  await db.transaction('r', tables, async () => {
    for (const table of tables) {
      if (hasInboundKey(table)) {
        out[table.name] = (await table.toArray()).map((row) => encode(row) ?? null);
      } else {
        const [keys, values] = await Promise.all([table.toCollection().primaryKeys(), table.toArray()]);
        out[table.name] = keys.map((key, i) => ({ key: encode(key) ?? null, value: encode(values[i]) ?? null }));
      }
    }
  });
  return BackupSnapshot.parse({ format: BACKUP_FORMAT, createdAt: now.toISOString(), dbName: db.name, dbVersion: Math.max(1, Math.round(db.verno)), tables: out, appVersion });
}

/** Puts back every backed-up row whose key is missing; rows present now are newer and stay. Returns rows restored. */
export async function importSnapshot(db: Dexie, snapshot: BackupSnapshot): Promise<number> {
  const tables = db.tables.filter((t) => snapshot.tables[t.name] !== undefined && !LARGE_CONTENT_TABLES.has(t.name));
  let restored = 0;
  await db.transaction('rw', tables, async () => {
    for (const table of tables) {
      const rows = (snapshot.tables[table.name] ?? []).map(decode);
      const present = new Set((await table.toCollection().primaryKeys()).map((k) => JSON.stringify(k)));
      if (hasInboundKey(table)) {
        const keyPath = table.schema.primKey.keyPath as string | string[];
        const objects = rows.filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object');
        const missing = table.schema.primKey.auto ? await missingByIdentity(table, objects) : objects.filter((r) => !present.has(JSON.stringify(keyOf(r, keyPath))));
        // Auto-increment keys (the outbox's seq) are not identities: a row written since may hold the key a backed-up
        // row had. Such a row is added under a new key, so neither is lost.
        const taken = (r: Record<string, unknown>) => table.schema.primKey.auto && present.has(JSON.stringify(keyOf(r, keyPath)));
        await table.bulkPut(missing.filter((r) => !taken(r)));
        await table.bulkAdd(missing.filter(taken).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== keyPath))));
        restored += missing.length;
      } else {
        const pairs = rows.filter((r): r is { key: never; value: unknown } => r !== null && typeof r === 'object' && 'key' in r && 'value' in r);
        const missing = pairs.filter((p) => !present.has(JSON.stringify(p.key)));
        await table.bulkPut(missing.map((p) => p.value), missing.map((p) => p.key));
        restored += missing.length;
      }
    }
  });
  return restored;
}

/**
 * Rows of an auto-increment table that are not there yet, told by the table's unique indexes (the outbox's op `id`);
 * a table without one has no identity but its key, and its rows are compared by key.
 */
async function missingByIdentity(table: Dexie.Table, rows: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const unique = table.schema.indexes.filter((i) => i.unique && typeof i.keyPath === 'string');
  if (unique.length === 0) {
    const present = new Set((await table.toCollection().primaryKeys()).map((k) => JSON.stringify(k)));
    return rows.filter((r) => !present.has(JSON.stringify(keyOf(r, table.schema.primKey.keyPath as string))));
  }
  const seen = await Promise.all(unique.map(async (i) => new Set((await table.orderBy(i.name).keys()).map((k) => JSON.stringify(k)))));
  return rows.filter((r) => unique.every((i, n) => !seen[n]?.has(JSON.stringify(keyOf(r, i.keyPath as string)))));
}

function instanceIdOf(snapshot: BackupSnapshot): string | null {
  const row = (snapshot.tables.meta ?? []).find((r) => (r as { key?: unknown } | null)?.key === INSTANCE_KEY) as { value?: unknown } | undefined;
  return typeof row?.value === 'string' ? row.value : null;
}

/**
 * `keep`: the backup file the database matched or was restored from (main never rotates it away). `unverified`: the
 * backups could not be read, so nothing was decided or written — the caller says so and asks again.
 */
export type IntegrityResult =
  | { state: 'intact' | 'fresh' | 'restored'; restoredRows: number; keep: string | null }
  | { state: 'unverified'; restoredRows: 0; reason: string };

/**
 * Run at start, before anything writes. Every database gets a random instance id on first start; a backup carries it.
 * A database without the id while a backup exists, or with another id, is one the update lost and recreated: restore.
 * Only "there is no backup" makes a database without an id fresh — never a backup that could not be read.
 */
export async function verifyOrRestore(db: Dexie, latest: BackupLatest, newId: () => string): Promise<IntegrityResult> {
  if (latest.state === 'unreadable') return { state: 'unverified', restoredRows: 0, reason: latest.reason };
  const meta = db.table<{ key: string; value: unknown }, string>('meta');
  const current = (await meta.get(INSTANCE_KEY))?.value;
  const found = latest.state === 'found' ? latest : null;
  const backupId = found ? instanceIdOf(found.snapshot) : null;
  if (typeof current === 'string' && (backupId === null || backupId === current)) {
    return { state: 'intact', restoredRows: 0, keep: backupId === current && found ? found.file : null };
  }
  if (!found || backupId === null) {
    await meta.put({ key: INSTANCE_KEY, value: typeof current === 'string' ? current : newId() });
    return { state: 'fresh', restoredRows: 0, keep: null };
  }
  const restoredRows = await importSnapshot(db, found.snapshot);
  // Keep the backup's id so the next start sees an intact database.
  await meta.put({ key: INSTANCE_KEY, value: backupId });
  return { state: 'restored', restoredRows, keep: found.file };
}
