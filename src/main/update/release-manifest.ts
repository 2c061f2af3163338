// Reading electron-builder's release manifest (latest.yml and its platform variants), for a USB/LAN folder and for the
// hub's feed alike: YAML by the core schema without anchors, aliases or merge keys (release-yaml.ts), the shape with a
// strict zod schema (unknown keys refused), file names that stay inside the folder.
import { readReleaseYaml } from '../../shared/release-yaml.ts';
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
  const yaml = readReleaseYaml(text);
  if (!yaml.ok) return refusal(yaml.reason, yaml.detail);
  const parsed = ReleaseManifest.safeParse(yaml.value);
  if (!parsed.success) {
    const unknown = parsed.error.issues.find((i) => i.code === 'unrecognized_keys');
    if (unknown) return refusal('unknown_field', `${[...unknown.path, unknown.keys.join(', ')].join('.')}: not a field of a release manifest`);
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
