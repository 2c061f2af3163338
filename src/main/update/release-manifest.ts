// Reading electron-builder's release manifest (latest.yml and its platform variants), for a USB/LAN folder and for the
// hub's feed alike: YAML with js-yaml's safe schema, the shape with zod, file names that stay inside the folder.
import { load } from 'js-yaml';
import { signatureFileName } from '../../shared/release-signature.ts';
import { ReleaseManifest, type ReleaseRefusal } from '../../shared/update-protocol.ts';

export const MAX_MANIFEST_BYTES = 64 * 1024;

export type Refusal = { ok: false; reason: ReleaseRefusal; detail: string };
export const refusal = (reason: ReleaseRefusal, detail: string): Refusal => ({ ok: false, reason, detail: detail.slice(0, 500) });

/** electron-updater's channel file for this platform: latest.yml on Windows, latest-linux.yml, latest-mac.yml. */
export function manifestNameFor(platform: NodeJS.Platform, channel = 'latest'): string {
  if (platform === 'linux') return `${channel}-linux.yml`;
  if (platform === 'darwin') return `${channel}-mac.yml`;
  return `${channel}.yml`;
}

export function parseManifest(text: string, manifestName = 'latest.yml'): { ok: true; manifest: ReleaseManifest } | Refusal {
  let raw: unknown;
  try {
    raw = load(text); // js-yaml 4's load uses the safe (JSON-compatible) schema: no custom types, no code
  } catch (error) {
    return refusal('malformed_manifest', error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'YAML error');
  }
  const parsed = ReleaseManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const reason = issue?.path.includes('url') || issue?.path.includes('path') ? 'unsafe_file_name' : 'invalid_manifest';
    return refusal(reason, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  // NTFS and exFAT compare names without case: Setup.exe and setup.exe are one file on the stick and in staging.
  const folded = new Set(parsed.data.files.map((f) => f.url.toLowerCase()));
  if (folded.size !== parsed.data.files.length) return refusal('invalid_manifest', 'a file is listed twice');
  for (const own of [manifestName, signatureFileName(manifestName)]) {
    if (folded.has(own.toLowerCase())) return refusal('unsafe_file_name', `${own} cannot be listed as a release file`);
  }
  const names = new Set(parsed.data.files.map((f) => f.url));
  if (parsed.data.path !== undefined && !names.has(parsed.data.path)) return refusal('invalid_manifest', `path ${parsed.data.path} is not among files`);
  return { ok: true, manifest: parsed.data };
}

/** A refusal thrown through the updater port, so the controller can tell it from a network error and name it. */
export class ReleaseRefusedError extends Error {
  constructor(
    readonly reason: ReleaseRefusal,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'ReleaseRefusedError';
  }
}
