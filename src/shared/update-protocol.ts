// Updates, backups and diagnostics: the release manifest (electron-builder's latest.yml, read by the hub's publisher and
// by main's USB verifier), and the IPC payloads the renderer exchanges with main about updates and backups.
import { z } from 'zod';

/**
 * A file name inside a release folder, as electron-builder.yml's artifactName makes them (ASCII, no spaces): letters,
 * digits and `._+-`, starting with a letter or digit, not ending in a dot, and none of Windows' reserved device names
 * (CON, NUL.txt, COM1…), so a name means the same file on the stick, in staging and on the feed.
 */
export const ReleaseFileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, { message: 'file name must be a plain ASCII name in the release folder' })
  .refine((s) => !s.endsWith('.') && !/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(s), { message: 'file name is reserved on Windows or ends in a dot' });

const Sha512Base64 = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, { message: 'sha512 must be base64 (88 characters)' });

/** One entry of latest.yml's `files`, as electron-builder writes it. */
export const ReleaseFile = z.strictObject({
  url: ReleaseFileName,
  sha512: Sha512Base64,
  /** An installer is tens of MB; 4 GiB bounds what a hostile manifest can make the PC copy. */
  size: z.number().int().positive().max(4 * 1024 ** 3),
  blockMapSize: z.number().int().positive().optional(),
  isAdminRightsRequired: z.boolean().optional(),
});

/**
 * electron-builder's latest.yml: the fields electron-builder writes and electron-updater reads (its UpdateInfo), and no
 * others — an unknown key is refused (`unknown_field`), so nothing reaches electron-updater that was not checked here.
 * The version is checked with electron-updater's own semver rules where it is read (release-version.ts), not by a
 * look-alike regex.
 */
export const ReleaseManifest = z.strictObject({
  version: z.string().min(1).max(256),
  files: z.array(ReleaseFile).min(1).max(20),
  path: ReleaseFileName.optional(),
  sha512: Sha512Base64.optional(),
  releaseDate: z.string().max(100).optional(),
  releaseName: z.string().max(500).optional(),
  releaseNotes: z.string().max(20_000).optional(),
  minimumSystemVersion: z.string().max(100).optional(),
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

/**
 * Why a release (from the hub's feed or a USB/LAN folder) was not offered; the 管理员 page names each one in zh-CN.
 * Files: missing_manifest … write_error. Trust: unsigned … feed_changed (release-trust.ts). Versions: electron-updater's
 * semver rules, never the same or an older version. busy: another folder is being checked; cancelled: no folder picked.
 */
export const ReleaseRefusal = z.enum([
  'missing_manifest',
  'manifest_too_large',
  'malformed_manifest',
  'yaml_reference',
  'unknown_field',
  'invalid_manifest',
  'unsafe_file_name',
  'missing_file',
  'not_a_file',
  'is_link',
  'size_mismatch',
  'hash_mismatch',
  'read_error',
  'read_timeout',
  'write_error',
  'unsigned',
  'malformed_signature',
  'no_publisher_key',
  'untrusted_key',
  'bad_signature',
  'feed_changed',
  'invalid_version',
  'same_version',
  'downgrade',
  'busy',
  'cancelled',
  'unsupported',
]);
export type ReleaseRefusal = z.infer<typeof ReleaseRefusal>;

export const RefusedRelease = z.object({
  reason: ReleaseRefusal,
  detail: z.string().max(500),
  source: z.enum(['hub', 'folder']),
  at: z.iso.datetime(),
});
export type RefusedRelease = z.infer<typeof RefusedRelease>;

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
  /** The last release refused (unsigned, bad signature, downgrade, …), until a check or folder passes. */
  refused: RefusedRelease.nullable(),
  /** A USB/LAN folder is being verified (one at a time; the button says so). */
  verifyingFolder: z.boolean(),
  windows: UpdateWindows,
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;

export const FolderReleaseResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), version: z.string(), files: z.array(z.string()) }),
  z.object({ ok: z.literal(false), reason: ReleaseRefusal, detail: z.string().max(500) }),
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
