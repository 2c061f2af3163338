// The IPC contract between renderer and Electron main: one map of `namespace:verb` channels, each with a request and a
// response schema. The preload exposes it as `window.desktop` (typed by DesktopApi, derived from this map), main
// validates every request against it, and the browser build implements the same DesktopApi without Electron.
import { z } from 'zod';
import { CertFingerprint } from './cert-fingerprint.ts';
import { DiscoveredEdge } from './edge-protocol.ts';
import { Classroom, Id, PackSigningKey, School } from './protocol.ts';
import { Activity, BackupFileName, BackupLatest, BackupSnapshot, FolderReleaseResult, UpdateChannel, UpdateStatus, UpdateWindows } from './update-protocol.ts';

export const DeviceIdentity = z.object({
  hubUrl: z.url({ protocol: /^https?$/ }),
  deviceId: Id,
  token: z.string().min(32).max(200),
  school: School,
  classroom: Classroom,
  hubName: z.string().min(1).max(200),
  enrolledAt: z.iso.datetime({ offset: true }),
  /** The enrolled hub's pack-signing key (from enrollment, or learnt once from the hub's pack list by a PC enrolled
   * before packs were signed): the only key whose packs this PC accepts. */
  packSigningKey: PackSigningKey.optional(),
  /** The https hub's certificate, pinned at enrollment (Electron refuses any other certificate for that host). */
  hubCertSha256: CertFingerprint.optional(),
});
export type DeviceIdentity = z.infer<typeof DeviceIdentity>;

/** Pinning an https hub's certificate before enrolling: main connects once and compares what the hub presents. */
export const HubPinResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), fingerprint: CertFingerprint }),
  z.object({
    ok: z.literal(false),
    /** cert_pin_mismatch: another certificate answered (a typo, or a machine in the middle); unsupported: browser build. */
    reason: z.enum(['cert_pin_mismatch', 'invalid_fingerprint', 'not_https', 'hub_unreachable', 'unsupported']),
    detail: z.string().max(500),
    presented: CertFingerprint.optional(),
  }),
]);
export type HubPinResult = z.infer<typeof HubPinResult>;

export const HubCertStatus = z.object({
  pinned: CertFingerprint.nullable(),
  /** The last connection refused because the certificate did not match the pin (someone posing as the hub?). */
  lastRefusal: z.object({ host: z.string().max(300), presented: z.string().max(100), at: z.iso.datetime() }).nullable(),
});
export type HubCertStatus = z.infer<typeof HubCertStatus>;

export const AppInfo = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'browser']),
  platform: z.string(),
  versions: z.record(z.string(), z.string()),
});
export type AppInfo = z.infer<typeof AppInfo>;

const none = z.undefined();

export const ipcContract = {
  'identity:get': { request: none, response: DeviceIdentity.nullable() },
  'identity:set': { request: DeviceIdentity, response: none },
  'identity:clear': { request: none, response: none },
  'app:info': { request: none, response: AppInfo },
  /** Before enrolling with an https hub: check the certificate it presents against the fingerprint IT typed, and pin it. */
  'hub:pinCertificate': { request: z.object({ hubUrl: z.url({ protocol: /^https$/ }).max(500), fingerprint: z.string().min(1).max(200) }), response: HubPinResult },
  'hub:certStatus': { request: none, response: HubCertStatus },
  /** Keep the display awake while a lesson plays (powerSaveBlocker in Electron, Wake Lock in a browser). */
  'power:keepAwake': { request: z.object({ on: z.boolean(), reason: z.string().max(100) }), response: none },
  /** The renderer reports lessons and playback so main never downloads or restarts for an update during a lesson. */
  'activity:set': { request: Activity, response: none },
  'update:status': { request: none, response: UpdateStatus },
  /** IT pressed 检查更新: check now (the policy still decides when to download and install). */
  'update:check': { request: none, response: UpdateStatus },
  'update:setChannel': { request: z.object({ channel: UpdateChannel }), response: UpdateStatus },
  /** IT sets the download hours and the quiet hours for installing (kept across restarts). */
  'update:setWindows': { request: UpdateWindows, response: UpdateStatus },
  /** Verify a release in a USB/LAN folder and update from it; path null = let IT pick the folder in a dialog. */
  'update:fromFolder': { request: z.object({ path: z.string().min(1).max(1000).nullable() }), response: FolderReleaseResult },
  /** Snapshot of the local database (outbox, notes, …) kept in the user-data folder, safe from IndexedDB loss. */
  'backup:save': { request: BackupSnapshot, response: z.object({ file: z.string(), bytes: z.number().int().nonnegative() }) },
  'backup:latest': { request: none, response: BackupLatest },
  /** The backup the database matched or was restored from at start: rotation never deletes it. */
  'backup:keep': { request: z.object({ file: BackupFileName }), response: none },
  /** Full screen for class; kiosk also hides the OS task bar and blocks leaving the app. */
  'window:setFullScreen': { request: z.object({ on: z.boolean(), kiosk: z.boolean() }), response: none },
  /** Renderer errors go to the same local log as main's crashes, for IT's diagnostics. */
  'log:write': { request: z.object({ level: z.enum(['info', 'warn', 'error']), message: z.string().max(2000), detail: z.string().max(8000).optional() }), response: none },
  'log:recent': { request: none, response: z.object({ text: z.string() }) },
  /** School edges announced on the LAN (DNS-SD, Electron main only); the renderer picks its own school's. */
  'edge:discover': { request: none, response: z.object({ edges: z.array(DiscoveredEdge).max(20) }) },
} as const;

export type IpcContract = typeof ipcContract;
export type IpcChannel = keyof IpcContract;
export type IpcRequest<C extends IpcChannel> = z.input<IpcContract[C]['request']>;
export type IpcResponse<C extends IpcChannel> = z.output<IpcContract[C]['response']>;

export const ipcChannels = Object.keys(ipcContract) as IpcChannel[];

type NamespaceOf<C> = C extends `${infer N}:${string}` ? N : never;
type Call<C extends IpcChannel> =
  undefined extends IpcRequest<C> ? (request?: IpcRequest<C>) => Promise<IpcResponse<C>> : (request: IpcRequest<C>) => Promise<IpcResponse<C>>;

/** `window.desktop`: `desktop.identity.get()` calls channel `identity:get`. */
export type DesktopApi = {
  [N in NamespaceOf<IpcChannel>]: {
    [C in IpcChannel as C extends `${N}:${infer V}` ? V : never]: Call<C>;
  };
};

export function splitChannel(channel: IpcChannel): [string, string] {
  const [ns, verb] = channel.split(':');
  return [ns ?? '', verb ?? ''];
}
