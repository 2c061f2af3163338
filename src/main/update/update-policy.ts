// When the app may check for, download and install an update. Pure functions over plain inputs (clock minutes, what
// the classroom is doing), so every rule is covered by table-driven tests under Node; update-controller.ts applies
// them to electron-updater. The one rule that overrides everything: never restart while a lesson plays.
import { createHash } from 'node:crypto';
import type { UpdateWindows } from '../../shared/update-protocol.ts';

/** A daily window in local time, [start, end) in minutes after midnight; start > end means it spans midnight. */
export type DailyWindow = { startMinute: number; endMinute: number };

export type UpdatePolicyConfig = {
  /** How often to ask the feed while the app runs (it also checks once at start). */
  checkIntervalMs: number;
  /** When background downloads may use the link (the download manager's hours); null = any time outside lessons. */
  downloadWindow: DailyWindow | null;
  /** When an already downloaded update may be installed while the app runs (e.g. 12:10–13:30 lunch, or the night). */
  quietWindow: DailyWindow;
};

export const defaultUpdatePolicy: UpdatePolicyConfig = {
  checkIntervalMs: 4 * 60 * 60 * 1000,
  downloadWindow: null,
  quietWindow: { startMinute: 21 * 60, endMinute: 6 * 60 },
};

/** What the classroom is doing right now, as the renderer reports it. */
export type Activity = {
  /** A timetabled lesson is on now (even before anyone pressed play). */
  lessonInProgress: boolean;
  playback: 'none' | 'live' | 'recorded';
};

export type Decision = { ok: true } | { ok: false; reason: 'lesson_in_progress' | 'playback' | 'outside_download_window' | 'outside_quiet_window' | 'not_downloaded' };

export function parseClock(hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new Error(`not a HH:MM time: ${hhmm}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

export function dailyWindow(start: string, end: string): DailyWindow {
  return { startMinute: parseClock(start), endMinute: parseClock(end) };
}

export function formatClock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** The policy's windows in the wire form (HH:MM), and back. */
export function windowsOf(config: UpdatePolicyConfig): UpdateWindows {
  const clock = (w: DailyWindow) => ({ start: formatClock(w.startMinute), end: formatClock(w.endMinute) });
  return { download: config.downloadWindow ? clock(config.downloadWindow) : null, quiet: clock(config.quietWindow) };
}

export function withWindows(config: UpdatePolicyConfig, windows: UpdateWindows): UpdatePolicyConfig {
  return {
    ...config,
    downloadWindow: windows.download ? dailyWindow(windows.download.start, windows.download.end) : null,
    quietWindow: dailyWindow(windows.quiet.start, windows.quiet.end),
  };
}

/** Minutes after local midnight; the adapter passes the PC's clock (its time zone is the classroom's). */
export function localMinuteOfDay(date: Date): number {
  return date.getHours() * 60 + date.getMinutes();
}

export function isInWindow(minute: number, window: DailyWindow): boolean {
  const { startMinute: start, endMinute: end } = window;
  if (start === end) return true; // a zero-length window would be useless; treat "same start and end" as all day
  if (start < end) return minute >= start && minute < end;
  return minute >= start || minute < end; // spans midnight, e.g. 22:00–06:00
}

export function shouldCheck(nowMs: number, lastCheckMs: number | null, config: UpdatePolicyConfig): boolean {
  if (lastCheckMs === null) return true;
  // A clock set backwards (CMOS battery, manual fix) must not stall checks for days.
  if (nowMs < lastCheckMs) return true;
  return nowMs - lastCheckMs >= config.checkIntervalMs;
}

export function canDownload(minute: number, activity: Activity, config: UpdatePolicyConfig): Decision {
  // Live video and lesson downloads need every bit of a 1–2 Mbit/s school link.
  if (activity.playback !== 'none') return { ok: false, reason: 'playback' };
  if (activity.lessonInProgress) return { ok: false, reason: 'lesson_in_progress' };
  if (config.downloadWindow && !isInWindow(minute, config.downloadWindow)) return { ok: false, reason: 'outside_download_window' };
  return { ok: true };
}

export type InstallMoment = 'quit' | 'running';

/**
 * Installing restarts the app. At quit the teacher is leaving anyway, so only playback blocks it (quitting mid-lesson
 * with nothing playing is her choice); while running, only in the quiet window and with no lesson on.
 */
export function canInstall(moment: InstallMoment, minute: number, downloaded: boolean, activity: Activity, config: UpdatePolicyConfig): Decision {
  if (!downloaded) return { ok: false, reason: 'not_downloaded' };
  if (activity.playback !== 'none') return { ok: false, reason: 'playback' };
  if (moment === 'quit') return { ok: true };
  if (activity.lessonInProgress) return { ok: false, reason: 'lesson_in_progress' };
  if (!isInWindow(minute, config.quietWindow)) return { ok: false, reason: 'outside_quiet_window' };
  return { ok: true };
}

// ---- staged rollout, the same maths as electron-updater's AppUpdater.isStagingMatch ----

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * electron-updater reads a UUID from `<userData>/.updaterId` and places the user at `uint32BE(bytes 12..15) / 0xffffffff`.
 * We derive that UUID from the device id (name-based, like UUID v5) instead of random bytes, so the hub can tell which
 * classrooms are in a rollout and a reinstall keeps the device in the same bucket.
 */
export function stagingUserIdFor(deviceId: string): string {
  const bytes = createHash('sha1').update('ykt-staging:').update(deviceId, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The user's position in [0, 1] for a staging UUID, exactly as electron-updater computes it. */
export function stagingPosition(stagingUserId: string): number {
  if (!UUID_RE.test(stagingUserId)) throw new Error(`not a staging UUID: ${stagingUserId.slice(0, 60)}`);
  const last = Number.parseInt(stagingUserId.replaceAll('-', '').slice(24), 16);
  return last / 0xffffffff;
}

/** Whether a release with this `stagingPercentage` (from latest.yml) reaches the device; absent or NaN = everyone. */
export function isWithinRollout(stagingUserId: string, stagingPercentage: number | string | null | undefined): boolean {
  if (stagingPercentage === null || stagingPercentage === undefined) return true;
  const percent = typeof stagingPercentage === 'number' ? Math.trunc(stagingPercentage) : Number.parseInt(stagingPercentage, 10);
  if (Number.isNaN(percent)) return true;
  return stagingPosition(stagingUserId) < percent / 100;
}

/**
 * Installing needs a backup of the renderer's records taken just before: the renderer saves one every minute while an
 * update waits, so a backup older than this means the renderer is not running or not saving — do not install then.
 */
export const MAX_BACKUP_AGE_FOR_INSTALL_MS = 5 * 60_000;

export function isBackupFreshForInstall(backupCreatedAt: string | null, nowMs: number): boolean {
  if (backupCreatedAt === null) return false;
  const at = Date.parse(backupCreatedAt);
  // A backup "from the future" (clock changed) is not trusted as fresh.
  return Number.isFinite(at) && at <= nowMs + 60_000 && nowMs - at <= MAX_BACKUP_AGE_FOR_INSTALL_MS;
}
