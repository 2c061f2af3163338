// Runs the download manager for the enrolled device, outside React: started when an identity exists, restarted when it
// changes. Screens read useDownloads and call downloadNow(). Live lessons pause downloads through live/live-events.ts
// (domLiveEvents remains for embedding without live/: a `ykt-live` DOM event with { detail: { live } }).
import type { DesktopApi, DeviceIdentity } from '../../shared/ipc.ts';
import type { AppDb } from '../db/app-db.ts';
import { createDownloadManager, type DownloadManager, type LiveEvents } from '../downloads/download-manager.ts';
import { storeHubPackList, type PackKeyStore } from '../downloads/hub-pack-gate.ts';
import type { HubClient } from '../sync/hub-client.ts';
import type { DownloadHours } from '../downloads/download-policy.ts';
import { useDownloads } from '../stores/downloads-store.ts';
import { liveActivity, onLiveActivity } from '../live/live-events.ts';
import { useSession } from '../stores/session-store.ts';
import { getDownloadHours, setDownloadHours, type StoredHours } from '../db/content-settings.ts';
import { getEdgeUrl, setEdgeUrl } from '../db/edge-settings.ts';
import { useEdgeRoute } from '../stores/edge-route-store.ts';
import { createEdgeRoute, type EdgeRoute } from '../sync/edge-route.ts';

export type ContentControllerDeps = {
  db: AppDb;
  desktop: DesktopApi;
  /** The session's hub client for the current identity (one client, one error vocabulary, refusals seen once). */
  hub: () => HubClient | null;
  /** The network, for the school edge route's health probes; content requests themselves go through `hub`. */
  fetch: typeof fetch;
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
let restart: (() => void) | null = null;
let route: EdgeRoute | null = null;

/** The school edge route of the enrolled device (null before enrollment): live asks it where to join. */
export const currentEdgeRoute = (): EdgeRoute | null => route;

/** The enrolled hub's pack-signing key, kept with the identity; learnt once by a PC enrolled before packs were signed. */
function identityKeyStore(desktop: DesktopApi): PackKeyStore {
  return {
    get: () => useSession.getState().identity?.packSigningKey,
    async learn(key) {
      const identity = useSession.getState().identity;
      if (!identity || identity.packSigningKey) return;
      const next = { ...identity, packSigningKey: key };
      await desktop.identity.set(next);
      useSession.setState({ identity: next });
    },
  };
}

export function startContentController(deps: ContentControllerDeps): () => void {
  let current: DeviceIdentity | null = null;
  const keys = identityKeyStore(deps.desktop);
  let edgeUrl: string | null = null;
  const apply = (identity: DeviceIdentity | null, force = false) => {
    if (!force && identity?.token === current?.token && identity?.hubUrl === current?.hubUrl) return;
    current = identity;
    manager?.stop();
    manager = null;
    route?.close();
    route = null;
    const hub = deps.hub();
    if (!identity || !hub) return;
    // Content and live through the school edge when one is set (falling back to the county hub by itself); records never.
    const next = createEdgeRoute({ countyUrl: identity.hubUrl, edgeUrl, fetch: deps.fetch, now: () => deps.now().getTime(), onChange: (state) => useEdgeRoute.setState(state) });
    route = next;
    useEdgeRoute.setState(next.state());
    manager = createDownloadManager({
      db: deps.db,
      hub: hub.withContentFetch(next.fetch),
      now: deps.now,
      storePackList: (response) => storeHubPackList(deps.db, response, keys),
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
  // The edge IT set on 管理员 (typed, or picked from the edges of this school found on the LAN).
  restart = () => {
    void getEdgeUrl(deps.db).then((url) => {
      edgeUrl = url;
      apply(useSession.getState().identity, true);
    });
  };
  restart();
  const unsubscribe = useSession.subscribe((s) => apply(s.identity));
  return () => {
    restart = null;
    unsubscribe();
    manager?.stop();
    manager = null;
    route?.close();
    route = null;
  };
}

export const contentCommands = {
  downloadNow: () => manager?.downloadNow(),
  async setHours(db: AppDb, hours: StoredHours) {
    await setDownloadHours(db, hours);
    manager?.setHours(hours);
  },
  refresh: () => manager?.refresh(),
  /** The manager's status now (the store has the last one reported, a few times a second); null before enrollment. */
  status: () => manager?.status() ?? null,
  /** IT set (or cleared) the school edge's address: downloads restart through the new route. */
  async setEdgeUrl(db: AppDb, url: string | null) {
    await setEdgeUrl(db, url);
    restart?.();
  },
};
