// The classroom's download settings (school IT sets them once): download hours, or any time when null.
import { z } from 'zod';
import type { AppDb } from './app-db.ts';

const Hours = z.object({ start: z.number().int().min(0).max(1439), end: z.number().int().min(0).max(1439) }).nullable();
export type StoredHours = z.infer<typeof Hours>;
const KEY = 'content.downloadHours';

export async function getDownloadHours(db: AppDb): Promise<StoredHours> {
  const parsed = Hours.safeParse((await db.meta.get(KEY))?.value ?? null);
  return parsed.success ? parsed.data : null;
}

export async function setDownloadHours(db: AppDb, hours: StoredHours): Promise<void> {
  await db.meta.put({ key: KEY, value: Hours.parse(hours) });
}
