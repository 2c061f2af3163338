// Updates, backups and diagnostics: the release manifest (electron-builder's latest.yml, read by the hub's publisher and
// by main's USB verifier), and the IPC payloads the renderer exchanges with main about updates and backups.
import { z } from 'zod';

/** A file name inside a release folder: no path separators, no dot segments, nothing hidden. */
export const ReleaseFileName = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !/[/\\]/.test(s) && !s.startsWith('.') && !s.includes('\0') && !s.includes(':'), { message: 'file name must be a plain name in the release folder' });

const Sha512Base64 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, { message: 'sha512 must be base64 (88 characters)' });

/** One entry of latest.yml's `files`, as electron-builder writes it. */
export const ReleaseFile = z.object({
  url: ReleaseFileName,
  sha512: Sha512Base64,
  size: z.number().int().positive(),
  blockMapSize: z.number().int().positive().optional(),
  isAdminRightsRequired: z.boolean().optional(),
});

/** electron-builder's latest.yml (fields we rely on; unknown ones kept as they are for electron-updater). */
export const ReleaseManifest = z.looseObject({
  version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, { message: 'version must be semver' }),
  files: z.array(ReleaseFile).min(1).max(20),
  path: ReleaseFileName.optional(),
  sha512: Sha512Base64.optional(),
  releaseDate: z.string().optional(),
  stagingPercentage: z.number().min(0).max(100).optional(),
});
export type ReleaseManifest = z.infer<typeof ReleaseManifest>;

export const UpdateChannel = z.enum(['latest', 'beta']);
export type UpdateChannel = z.infer<typeof UpdateChannel>;

/** What the classroom is doing, reported by the renderer so main never restarts during a lesson. */
export const Activity = z.object({
  lessonInProgress: z.boolean(),
  playback: z.enum(['none', 'live', 'recorded']),
});
export type Activity = z.infer<typeof Activity>;

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'time must be HH:MM' });
/** A daily window in the PC's local time; end before start spans midnight (22:00–06:00). */
export const ClockWindow = z.object({ start: Clock, end: Clock });
/** When updates may download (null = any time outside lessons) and when a downloaded one may install while running. */
export const UpdateWindows = z.object({ download: ClockWindow.nullable(), quiet: ClockWindow });
export type UpdateWindows = z.infer<typeof UpdateWindows>;

export const UpdatePhase = z.enum(['idle', 'checking', 'available', 'downloading', 'downloaded', 'installing', 'error', 'unsupported']);

export const UpdateStatus = z.object({
  phase: UpdatePhase,
  channel: UpdateChannel,
  currentVersion: z.string(),
  availableVersion: z.string().nullable(),
  /** Why the next step waits, e.g. a lesson is on (a named reason the UI localises). */
  waitingFor: z.enum(['lesson_in_progress', 'playback', 'outside_download_window', 'outside_quiet_window', 'not_downloaded']).nullable(),
  lastCheckAt: z.iso.datetime().nullable(),
  source: z.enum(['hub', 'folder']),
  error: z.string().max(500).nullable(),
  windows: UpdateWindows,
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;

export const FolderReleaseResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), version: z.string(), files: z.array(z.string()) }),
  z.object({ ok: z.literal(false), reason: z.string().max(60), detail: z.string().max(500) }),
]);
export type FolderReleaseResult = z.infer<typeof FolderReleaseResult>;

// ---- backup of the renderer's local database ----

export const BACKUP_FORMAT = 1;
export const MAX_BACKUP_BYTES = 64 * 1024 * 1024;

/** A JSON snapshot of the local database's tables (large content blobs excluded by the renderer). */
export const BackupSnapshot = z.object({
  format: z.literal(BACKUP_FORMAT),
  createdAt: z.iso.datetime(),
  dbName: z.string().min(1).max(100),
  dbVersion: z.number().int().positive(),
  /** table name → rows; rows are JSON values the table stored. */
  tables: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/), z.array(z.unknown()).max(1_000_000)),
  /** the app version that wrote it (the version we are updating from). */
  appVersion: z.string().max(50),
});
export type BackupSnapshot = z.infer<typeof BackupSnapshot>;

/** `backup-<save time ms>-<counter>.json` in main; the browser build's single slot is `localStorage:ykt.backup`. */
export const BackupFileName = z.string().regex(/^(backup-\d{13}-\d{4}\.json|localStorage:[a-z.]{1,40})$/);

/**
 * The newest backup, or why there is none. `unreadable` (the folder or a newer file could not be read) is not "none":
 * the renderer must not conclude the database is fresh from it — it says so and asks again later.
 */
export const BackupLatest = z.discriminatedUnion('state', [
  z.object({ state: z.literal('none') }),
  z.object({ state: z.literal('found'), file: BackupFileName, snapshot: BackupSnapshot }),
  z.object({ state: z.literal('unreadable'), reason: z.string().max(500) }),
]);
export type BackupLatest = z.infer<typeof BackupLatest>;

// ---- network test (IT page) ----

/** GET ?bytes=N answers N random bytes (device token required), for measuring download throughput to the hub. */
export const NET_PROBE_PATH = '/v1/net/probe';
export const MAX_PROBE_BYTES = 8 * 1024 * 1024;
export const NetProbeQuery = z.object({ bytes: z.coerce.number().int().min(1).max(MAX_PROBE_BYTES) });
