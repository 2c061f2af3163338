// Small typed key/value settings kept beside the data they describe (sync cursor, last sync time, 学生模式 and its PIN).
import { z } from 'zod';
import type { AppDb } from './app-db.ts';

const metaSchemas = {
  pullCursor: z.number().int().min(0),
  lastSyncAt: z.string(),
  /** The newest hybrid-logical-clock timestamp this device issued or saw, so the clock never runs backwards on reload. */
  hlc: z.string(),
  lastPushAt: z.string(),
  /** How far the hub's clock is from this PC's (ms, hub minus PC): records are stamped on the hub's clock. */
  clockOffsetMs: z.number().int(),
  /** Per live lesson, when its live stream last stopped for this classroom (hub clock, ms): 改看录播 starts there. */
  liveStoppedAt: z.record(z.string().max(64), z.number()),
  /** Pulled changes this device could not read and skipped: how many in all, and the latest few (同步详情 shows them). */
  pullSkipped: z.object({
    count: z.number().int().min(0),
    recent: z.array(z.object({ at: z.string(), cursor: z.number().int().min(0), reason: z.string().max(500), change: z.string().max(500) })).max(20),
  }),
  /**
   * Where to read again from once this app is updated: the cursor before the first page in which `version` skipped a
   * change (a type added to the hub after this version). The next version rewinds there once (sync/pull-all.ts).
   */
  pullReplay: z.object({ fromCursor: z.number().int().min(0), version: z.string().min(1).max(100) }),
  /** 学生模式: the PC is handed to students until the teacher unlocks it; kept so a reload does not leave it. */
  studentMode: z.boolean(),
  /** The teacher PIN that unlocks 学生模式, as a salted PBKDF2 hash (app/teacher-pin.ts); never the PIN itself. */
  teacherPin: z.object({ salt: z.string().regex(/^[0-9a-f]{32}$/), hash: z.string().regex(/^[0-9a-f]{64}$/), iterations: z.number().int().min(10_000) }),
  /** Wrong teacher PINs in a row and the wait they started (app/pin-lockout.ts): kept so a reload does not reset it. */
  teacherPinFailures: z.object({ wrong: z.number().int().min(0), lockedUntil: z.number().nullable() }),
} as const;

export type MetaKey = keyof typeof metaSchemas;
export type MetaValue<K extends MetaKey> = z.infer<(typeof metaSchemas)[K]>;

export async function getMeta<K extends MetaKey>(db: AppDb, key: K): Promise<MetaValue<K> | undefined> {
  const row = await db.meta.get(key);
  if (!row) return undefined;
  const parsed = metaSchemas[key].safeParse(row.value);
  return parsed.success ? (parsed.data as MetaValue<K>) : undefined;
}

export async function setMeta<K extends MetaKey>(db: AppDb, key: K, value: MetaValue<K>): Promise<void> {
  await db.meta.put({ key, value: metaSchemas[key].parse(value) });
}
