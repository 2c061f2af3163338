// The app's session controller, outside React: loads the device identity, runs enrollment, and owns the sync loop.
// Screens call its commands and read plain state from the stores.
import type { DesktopApi, DeviceIdentity } from '../../shared/ipc.ts';
import type { AppDb } from '../db/app-db.ts';
import { getMeta, setMeta } from '../db/meta-repo.ts';
import { useSession } from '../stores/session-store.ts';
import { setSyncStatus } from '../stores/sync-status-store.ts';
import { createHubClient, normaliseHubUrl, type HubClient, type HubTimeSample } from '../sync/hub-client.ts';
import { createHubClock } from '../sync/hub-clock.ts';
import { pullAll } from '../sync/pull-all.ts';
import { createSyncLoop, type SyncLoop } from '../sync/sync-loop.ts';
import type { SyncLog } from '../sync/push-outbox.ts';
import { createOutboxDrain } from '../sync/drain-outbox.ts';
import { createRecords, type Records } from '../db/records-repo.ts';
import { pinHubCertificate } from './hub-pin.ts';
import { rememberRouterCaps } from '../live/router-caps.ts';

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
  /** This build's version: changes an earlier version could not read are pulled again after an update (pull-all.ts). */
  appVersion?: string;
  /** The hub serves live lessons: open its signalling socket now, so a lesson's join need not (live-preconnect.ts). */
  prepareLive?: (hubUrl: string, token: string, onRefused: (code: string, message: string) => void) => void;
};

/** certFingerprint: the https hub's SHA-256 fingerprint from the enrollment slip (ignored for http). */
export type EnrollInput = { hubUrl: string; code: string; deviceName: string; certFingerprint?: string };

export function createSession({ db, desktop, now, fetch, onlineEvents, runExclusive = (fn) => fn(), pushDebounceMs = 1500, prepareLive = () => undefined, appVersion = 'unknown' }: SessionDeps) {
  let loop: SyncLoop | null = null;
  let hub: HubClient | null = null;
  let records: Records | null = null;
  let debounce: ReturnType<typeof setTimeout> | null = null;
  // Learned from every hub answer; records are stamped on it, so a PC with a wrong clock stamps the county's time.
  const hubClock = createHubClock(now);
  const saveClockOffset = () => setMeta(db, 'clockOffsetMs', hubClock.offsetMs());
  const clockDeps = { onHubTime: (sample: HubTimeSample) => hubClock.observe(sample), localNow: () => now().getTime() };
  const onOnline = () => void loop?.syncNow();
  const onChange = () => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void loop?.syncNow(), pushDebounceMs);
  };

  function startSync(identity: DeviceIdentity) {
    loop?.stop();
    let liveServed = false;
    const deviceRecords = createRecords({ db, deviceId: identity.deviceId, now: () => hubClock.now(), onChange });
    records = deviceRecords;
    // The one client for this identity: sync and content downloads share it, so a refusal seen by either (revoked
    // device, protocol mismatch) reaches the sync loop once and stops both.
    const client = createHubClient({ baseUrl: identity.hubUrl, token: identity.token, fetch, ...clockDeps, onRefused: (error) => current.refuse(error) });
    hub = client;
    const log: SyncLog = (level, message) => void desktop.log.write({ level, message: message.slice(0, 2000) }).catch(() => undefined);
    const liveRefused = (code: string, message: string) => log('warn', `live socket opened beforehand refused (${code}): ${message}`);
    const drainOutbox = createOutboxDrain({ db, client, now, log });
    // Push first: what the teacher entered is the data that matters most; then pull what changed.
    let tooLateBefore = 0;
    const syncOnce = () =>
      runExclusive(async () => {
        // 考核 papers whose time ran out while no one had them open are handed in first, so their op goes in this push.
        // A failure here is logged and the sync goes on: it must never keep the outbox from being pushed.
        const sittings = await deviceRecords.handInLapsedSittings().catch((error: unknown) => {
          log('error', `考核 sittings could not be handed in: ${error instanceof Error ? error.message : String(error)}`);
          return null;
        });
        if (sittings && sittings.handedIn > 0) log('info', `handed in ${sittings.handedIn} 考核 sitting(s) whose time was up`);
        if (sittings && sittings.tooLate !== tooLateBefore) {
          log('warn', `${sittings.tooLate} 考核 sitting(s) ran out after the window closed and its grace: kept on this PC, not handed in`);
          tooLateBefore = sittings.tooLate;
        }
        const pushOptions = { now, log };
        const pushed = await drainOutbox(pushOptions);
        // The push's answer just set the clock: ops refused as stamped ahead (made while the PC's clock ran fast) are
        // re-stamped on it and sent again at once.
        if (pushed.retrying + pushed.failed > 0 && (await deviceRecords.restampRefusedAhead()) > 0) await drainOutbox(pushOptions);
        await pullAll(db, client, now, log, appVersion);
        await saveClockOffset();
        // The hub answered: a socket it closed meanwhile (hub restarted, or taken by a lesson) is opened again.
        if (liveServed) prepareLive(identity.hubUrl, identity.token, liveRefused);
      });
    const current = createSyncLoop({ syncOnce, report: setSyncStatus, now });
    loop = current;
    current.start();
    // Live lessons start faster with the hub's codecs known beforehand (router-caps.ts); without them they still start.
    client.liveCapabilities().then(
      (caps) => {
        rememberRouterCaps(identity.hubUrl, caps.routerRtpCapabilities);
        liveServed = true;
        prepareLive(identity.hubUrl, identity.token, liveRefused);
      },
      (error: unknown) => log('info', `live capabilities not fetched (live lessons take one more round trip): ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  return {
    async init(): Promise<void> {
      const [identity, lastSyncAt, clockOffsetMs] = await Promise.all([desktop.identity.get(), getMeta(db, 'lastSyncAt'), getMeta(db, 'clockOffsetMs')]);
      hubClock.restore(clockOffsetMs ?? 0);
      setSyncStatus({ lastSyncAt: lastSyncAt ?? null });
      if (identity) startSync(identity); // before the store says so: the content controller asks for hub() then
      useSession.setState({ ready: true, identity });
      onlineEvents.addEventListener('online', onOnline);
    },

    /** Throws HubRequestError (or a URL error) for the screen to show; changes nothing on failure. */
    async enroll({ hubUrl, code, deviceName, certFingerprint = '' }: EnrollInput): Promise<DeviceIdentity> {
      const baseUrl = normaliseHubUrl(hubUrl);
      // Pinned before the code (and, in the answer, the device token) crosses the network.
      const hubCertSha256 = await pinHubCertificate(desktop, baseUrl, certFingerprint);
      const result = await createHubClient({ baseUrl, fetch, ...clockDeps }).enroll({ code, deviceName });
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
      await saveClockOffset();
      startSync(identity);
      useSession.setState({ identity, enrolling: false });
      return identity;
    },

    openEnrollment(open: boolean) {
      useSession.setState({ enrolling: open });
    },

    syncNow: () => loop?.syncNow() ?? Promise.resolve(),

    /** The hub client of the enrolled identity (null before enrollment): every hub call goes through it. */
    hub: (): HubClient | null => hub,

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
