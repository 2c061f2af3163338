// Pulls pages until the hub says there is no more (bounded, so a misbehaving hub cannot keep us looping). Changes that
// could not be read are skipped by applyPull and told to the log here.
import type { AppDb } from '../db/app-db.ts';
import { getMeta, setMeta } from '../db/meta-repo.ts';
import { applyPull } from './apply-pull.ts';
import type { HubClient } from './hub-client.ts';
import type { SyncLog } from './push-outbox.ts';

const MAX_PAGES_PER_SYNC = 50;

export async function pullAll(db: AppDb, hub: Pick<HubClient, 'pull'>, now: () => Date, log: SyncLog = () => {}): Promise<number> {
  let applied = 0;
  for (let page = 0; page < MAX_PAGES_PER_SYNC; page++) {
    const cursor = (await getMeta(db, 'pullCursor')) ?? 0;
    const response = await hub.pull(cursor);
    const result = await applyPull(db, response, now());
    applied += result.applied;
    const first = result.skipped[0];
    if (first) log('error', `pull: skipped ${result.skipped.length} change(s) that could not be read (page up to cursor ${response.cursor}); first: ${first.reason} — ${first.change}`);
    if (!response.hasMore) break;
  }
  await setMeta(db, 'lastSyncAt', now().toISOString());
  return applied;
}
