// Pulls pages until the hub says there is no more (bounded, so a misbehaving hub cannot keep us looping). Changes that
// could not be read are skipped by applyPull and told to the log here.
import type { AppDb } from '../db/app-db.ts';
import { getMeta, setMeta } from '../db/meta-repo.ts';
import { applyPull } from './apply-pull.ts';
import type { HubClient } from './hub-client.ts';
import type { SyncLog } from './push-outbox.ts';

const MAX_PAGES_PER_SYNC = 50;

export async function pullAll(db: AppDb, hub: Pick<HubClient, 'pull'>, now: () => Date, log: SyncLog = () => {}, appVersion = 'unknown'): Promise<number> {
  await replayAfterUpdate(db, appVersion, log);
  let applied = 0;
  for (let page = 0; page < MAX_PAGES_PER_SYNC; page++) {
    const cursor = (await getMeta(db, 'pullCursor')) ?? 0;
    const response = await hub.pull(cursor);
    const result = await applyPull(db, response, now(), { fromCursor: cursor, appVersion });
    applied += result.applied;
    const first = result.skipped[0];
    if (first) log('error', `pull: skipped ${result.skipped.length} change(s) that could not be read (page up to cursor ${response.cursor}); first: ${first.reason} — ${first.change}`);
    if (!response.hasMore) break;
  }
  await setMeta(db, 'lastSyncAt', now().toISOString());
  return applied;
}

/**
 * Changes an earlier version skipped are read again, once, by the next one: the cursor goes back to where the first
 * was skipped. Applying changes again in order ends where applying them once did (puts, deletes and note merges), so
 * only what was skipped changes anything; what this version still cannot read is skipped and kept for the next.
 */
async function replayAfterUpdate(db: AppDb, appVersion: string, log: SyncLog) {
  const rewound = await db.transaction('rw', db.meta, async () => {
    const replay = await getMeta(db, 'pullReplay');
    if (!replay || replay.version === appVersion) return null;
    const cursor = (await getMeta(db, 'pullCursor')) ?? 0;
    await setMeta(db, 'pullCursor', Math.min(cursor, replay.fromCursor));
    await db.meta.delete('pullReplay');
    return replay;
  });
  if (rewound) log('info', `pull: version ${appVersion} reads again from cursor ${rewound.fromCursor} the changes version ${rewound.version} could not read`);
}
