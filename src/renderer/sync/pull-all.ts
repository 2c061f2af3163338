// Pulls pages until the hub says there is no more (bounded, so a misbehaving hub cannot keep us looping).
import type { AppDb } from '../db/app-db.ts';
import { getMeta, setMeta } from '../db/meta-repo.ts';
import { applyPull } from './apply-pull.ts';
import type { HubClient } from './hub-client.ts';

const MAX_PAGES_PER_SYNC = 50;

export async function pullAll(db: AppDb, hub: Pick<HubClient, 'pull'>, now: () => Date): Promise<number> {
  let applied = 0;
  for (let page = 0; page < MAX_PAGES_PER_SYNC; page++) {
    const cursor = (await getMeta(db, 'pullCursor')) ?? 0;
    const response = await hub.pull(cursor);
    await applyPull(db, response);
    applied += response.changes.length;
    if (!response.hasMore) break;
  }
  await setMeta(db, 'lastSyncAt', now().toISOString());
  return applied;
}
