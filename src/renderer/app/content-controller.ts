// Runs the download manager for the enrolled device, outside React: started when an identity exists, restarted when it
// changes. Screens read useDownloads and call downloadNow(). Live lessons pause downloads through live/live-events.ts
// (domLiveEvents remains for embedding without live/: a `ykt-live` DOM event with { detail: { live } }).
import type { DeviceIdentity } from '../../shared/ipc.ts';
import type { AppDb } from '../db/app-db.ts';
import { createDownloadManager, type DownloadManager, type LiveEvents } from '../downloads/download-manager.ts';
import type { HubClient } from '../sync/hub-client.ts';
import type { DownloadHours } from '../downloads/download-policy.ts';
import { useDownloads } from '../stores/downloads-store.ts';
import { liveActivity, onLiveActivity } from '../live/live-events.ts';
import { useSession } from '../stores/session-store.ts';
import { getDownloadHours, setDownloadHours, type StoredHours } from '../db/content-settings.ts';

export type ContentControllerDeps = {
  db: AppDb;
  /** The session's hub client for the current identity (one client, one error vocabulary). */
  hub: () => HubClient | null;
  now: () => Date;
  events: EventTarget;
  hours?: DownloadHours | null;
};

export const LIVE_EVENT = 'ykt-live';

export function domLiveEvents(events: EventTarget): LiveEvents {
  return {
    subscribe(listener) {
      const handler = (e: Event) => listener(Boolean((e as CustomEvent<{ live?: boolean }>).detail?.live));
      events.addEventListener(LIVE_EVENT, handler);
      return () => events.removeEventListener(LIVE_EVENT, handler);
    },
  };
}

/** live/'s activity bus: downloads stand aside while a live lesson plays (also if it is already playing now). */
const liveBusEvents: LiveEvents = {
  subscribe(listener) {
    if (liveActivity().active) listener(true);
    return onLiveActivity((activity) => listener(activity.active));
  },
};

let manager: DownloadManager | null = null;

export function startContentController(deps: ContentControllerDeps): () => void {
  let current: DeviceIdentity | null = null;
  const apply = (identity: DeviceIdentity | null) => {
    if (identity?.token === current?.token && identity?.hubUrl === current?.hubUrl) return;
    current = identity;
    manager?.stop();
    manager = null;
    const hub = deps.hub();
    if (!identity || !hub) return;
    manager = createDownloadManager({
      db: deps.db,
      hub,
      now: deps.now,
      hours: deps.hours ?? null,
      liveEvents: liveBusEvents,
      report: (status) => useDownloads.setState(status),
    });
    const started = manager;
    // Saved download hours apply as soon as they are read; until then the manager may start (no hours = any time).
    void getDownloadHours(deps.db).then((hours) => started.setHours(hours));
    manager.start();
  };
  // Ask the browser not to evict our IndexedDB under storage pressure (granted silently to installed/Electron apps).
  void navigator.storage?.persist?.().catch(() => false);
  apply(useSession.getState().identity);
  const unsubscribe = useSession.subscribe((s) => apply(s.identity));
  return () => {
    unsubscribe();
    manager?.stop();
    manager = null;
  };
}

export const contentCommands = {
  downloadNow: () => manager?.downloadNow(),
  async setHours(db: AppDb, hours: StoredHours) {
    await setDownloadHours(db, hours);
    manager?.setHours(hours);
  },
  refresh: () => manager?.refresh(),
};
