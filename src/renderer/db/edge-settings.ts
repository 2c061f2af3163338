// The school edge's address, set by IT on the 管理员 page (null: fetch content from the county hub directly).
import { z } from 'zod';
import type { AppDb } from './app-db.ts';

/** An http(s) origin with an optional port, nothing else: the edge serves the hub API at its root. */
export const EdgeUrl = z
  .string()
  .trim()
  .max(200)
  .transform((s) => s.replace(/\/+$/, ''))
  .refine((s) => /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(s), { message: 'edge_url_invalid' });
const Stored = EdgeUrl.nullable();
const KEY = 'content.edgeUrl';

export async function getEdgeUrl(db: AppDb): Promise<string | null> {
  const parsed = Stored.safeParse((await db.meta.get(KEY))?.value ?? null);
  return parsed.success ? parsed.data : null;
}

export async function setEdgeUrl(db: AppDb, url: string | null): Promise<void> {
  await db.meta.put({ key: KEY, value: Stored.parse(url) });
}
