// The app's session controller, outside React: loads the device identity, runs enrollment, and owns the sync loop.
// Screens call its commands and read plain state from the stores.
import type { DesktopApi, DeviceIdentity } from '../../shared/ipc.ts';
import type { AppDb } from '../db/app-db.ts';
import { getMeta } from '../db/meta-repo.ts';
import { useSession } from '../stores/session-store.ts';
import { setSyncStatus } from '../stores/sync-status-store.ts';
import { createHubClient, normaliseHubUrl } from '../sync/hub-client.ts';
import { pullAll } from '../sync/pull-all.ts';
import { createSyncLoop, type SyncLoop } from '../sync/sync-loop.ts';
import { pushOutbox, type SyncLog } from '../sync/push-outbox.ts';
import { createRecords, type Records } from '../db/records-repo.ts';
import { pinHubCertificate } from './hub-pin.ts';

export type SessionDeps = {
  db: AppDb;
  desktop: DesktopApi;
  now: () => Date;
  fetch: typeof fetch;
  onlineEvents: EventTarget;
  /** One sync at a time across windows and tabs (Web Locks in the app; a plain call where there are none). */
  runExclusive?: (fn: () => Promise<void>) => Promise<void>;
  /** Wait after a change before pushing, so a burst of taps goes in one request. */
  pushDebounceMs?: number;
};

/** certFingerprint: the https hub's SHA-256 fingerprint from the enrollment slip (ignored for http). */
export type EnrollInput = { hubUrl: string; code: string; deviceName: string; certFingerprint?: string };

export function createSession({ db, desktop, now, fetch, onlineEvents, runExclusive = (fn) => fn(), pushDebounceMs = 1500 }: SessionDeps) {
  let loop: SyncLoop | null = null;
  let records: Records | null = null;
  let debounce: ReturnType<typeof setTimeout> | null = null;
  const onOnline = () => void loop?.syncNow();
  const onChange = () => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void loop?.syncNow(), pushDebounceMs);
  };

  function startSync(identity: DeviceIdentity) {
    loop?.stop();
    records = createRecords({ db, deviceId: identity.deviceId, now, onChange });
    const hub = createHubClient({ baseUrl: identity.hubUrl, token: identity.token, fetch });
    const log: SyncLog = (level, message) => void desktop.log.write({ level, message: message.slice(0, 2000) }).catch(() => undefined);
    // Push first: what the teacher entered is the data that matters most; then pull what changed.
    const syncOnce = () =>
      runExclusive(async () => {
        await pushOutbox(db, (ops) => hub.push(ops), { now, log });
        await pullAll(db, hub, now, log);
      });
    loop = createSyncLoop({ syncOnce, report: setSyncStatus, now });
    loop.start();
  }

  return {
    async init(): Promise<void> {
      const [identity, lastSyncAt] = await Promise.all([desktop.identity.get(), getMeta(db, 'lastSyncAt')]);
      setSyncStatus({ lastSyncAt: lastSyncAt ?? null });
      useSession.setState({ ready: true, identity });
      onlineEvents.addEventListener('online', onOnline);
      if (identity) startSync(identity);
    },

    /** Throws HubRequestError (or a URL error) for the screen to show; changes nothing on failure. */
    async enroll({ hubUrl, code, deviceName, certFingerprint = '' }: EnrollInput): Promise<DeviceIdentity> {
      const baseUrl = normaliseHubUrl(hubUrl);
      // Pinned before the code (and, in the answer, the device token) crosses the network.
      const hubCertSha256 = await pinHubCertificate(desktop, baseUrl, certFingerprint);
      const result = await createHubClient({ baseUrl, fetch }).enroll({ code, deviceName });
      const identity: DeviceIdentity = {
        hubUrl: baseUrl,
        deviceId: result.device.id,
        token: result.device.token,
        school: result.school,
        classroom: result.classroom,
        hubName: result.hubName,
        enrolledAt: now().toISOString(),
        ...(result.packSigningKey ? { packSigningKey: result.packSigningKey } : {}),
        ...(hubCertSha256 ? { hubCertSha256 } : {}),
      };
      const previous = useSession.getState().identity;
      if (previous && previous.classroom.id !== identity.classroom.id) {
        // Another classroom's timetable must not linger; records (outbox) are never cleared here.
        await db.transaction('rw', db.lessons, db.students, db.meta, async () => {
          await Promise.all([db.lessons.clear(), db.students.clear(), db.meta.delete('pullCursor')]);
        });
      }
      await desktop.identity.set(identity);
      useSession.setState({ identity, enrolling: false });
      startSync(identity);
      return identity;
    },

    openEnrollment(open: boolean) {
      useSession.setState({ enrolling: open });
    },

    syncNow: () => loop?.syncNow() ?? Promise.resolve(),

    /** Attendance, notes and quiz results of this device (enrolled devices only). */
    records(): Records {
      if (!records) throw new Error('records before enrollment');
      return records;
    },

    dispose() {
      loop?.stop();
      if (debounce) clearTimeout(debounce);
      onlineEvents.removeEventListener('online', onOnline);
    },
  };
}

export type Session = ReturnType<typeof createSession>;
