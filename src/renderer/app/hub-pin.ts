// Enrolling with an https hub: before the enrollment request, main checks the certificate the hub presents against the
// fingerprint IT typed and pins it (hub:pinCertificate), so the device token only ever goes to that certificate. The
// browser build cannot pin and leaves https to the browser's own check.
import type { DesktopApi, HubPinResult } from '../../shared/ipc.ts';

type Refusal = Extract<HubPinResult, { ok: false }>;

export class HubPinRefused extends Error {
  constructor(
    readonly reason: Exclude<Refusal['reason'], 'unsupported'>,
    readonly presented: string | null,
    detail: string,
  ) {
    super(detail);
    this.name = 'HubPinRefused';
  }
}

/** The pinned fingerprint to keep with the identity; undefined for plain http or a build that cannot pin. */
export async function pinHubCertificate(desktop: DesktopApi, hubUrl: string, fingerprint: string): Promise<string | undefined> {
  if (new URL(hubUrl).protocol !== 'https:') return undefined;
  const result = await desktop.hub.pinCertificate({ hubUrl, fingerprint: fingerprint.trim() || '-' });
  if (result.ok) return result.fingerprint;
  if (result.reason === 'unsupported') return undefined;
  throw new HubPinRefused(result.reason, result.presented ?? null, result.detail);
}
