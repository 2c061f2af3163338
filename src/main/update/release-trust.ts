// Whether a release may be offered at all, before any file is copied or downloaded: the manifest's bytes carry a
// signature by a publisher key this build trusts (publisher-keys.ts), and its version is newer than the running one
// under electron-updater's semver rules. Pure apart from node:crypto; the same check runs for the hub feed
// (verified-feed.ts) and for a USB/LAN folder (usb-release.ts).
import { createPublicKey, verify } from 'node:crypto';
import { ReleaseSignature, releaseSigningContext } from '../../shared/release-signature.ts';
import { checkReleaseVersion } from '../../shared/release-version.ts';
import type { ReleaseManifest } from '../../shared/update-protocol.ts';
import { parseManifest, refusal, type Refusal } from './release-manifest.ts';

export type TrustInput = {
  manifestName: string;
  manifestBytes: Buffer;
  /** The `<manifest>.sig` file's bytes, or null when there is none. */
  signatureBytes: Buffer | null;
  trustedKeys: readonly string[];
  currentVersion: string;
};

export type TrustedManifest = { ok: true; manifest: ReleaseManifest; manifestText: string; publicKey: string };

export function verifySignature(manifestName: string, manifestBytes: Buffer, signatureBytes: Buffer | null, trustedKeys: readonly string[]): { ok: true; publicKey: string } | Refusal {
  if (trustedKeys.length === 0) return refusal('no_publisher_key', 'this build carries no publisher key (resources/publisher-keys.json), so it can trust no release');
  if (signatureBytes === null) return refusal('unsigned', `${manifestName} has no signature (${manifestName}.sig)`);
  let raw: unknown;
  try {
    raw = JSON.parse(signatureBytes.toString('utf8'));
  } catch {
    return refusal('malformed_signature', `${manifestName}.sig is not JSON`);
  }
  const sig = ReleaseSignature.safeParse(raw);
  if (!sig.success) return refusal('malformed_signature', `${manifestName}.sig: ${sig.error.issues[0]?.message ?? 'invalid'}`);
  if (!trustedKeys.includes(sig.data.publicKey)) return refusal('untrusted_key', `signed by key ${sig.data.publicKey.slice(0, 12)}…, which this build does not trust`);
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: sig.data.publicKey }, format: 'jwk' });
  const payload = Buffer.concat([Buffer.from(releaseSigningContext(manifestName), 'utf8'), manifestBytes]);
  if (!verify(null, payload, key, Buffer.from(sig.data.signature, 'base64url'))) {
    return refusal('bad_signature', `${manifestName} was changed after it was signed, or signed for another file`);
  }
  return { ok: true, publicKey: sig.data.publicKey };
}

/** Signature, then shape, then version: nothing a stranger wrote is parsed further than JSON before it is trusted. */
export function verifyReleaseManifest(input: TrustInput): TrustedManifest | Refusal {
  const signed = verifySignature(input.manifestName, input.manifestBytes, input.signatureBytes, input.trustedKeys);
  if (!signed.ok) return signed;
  const manifestText = input.manifestBytes.toString('utf8');
  const parsed = parseManifest(manifestText, input.manifestName);
  if (!parsed.ok) return parsed;
  const version = checkReleaseVersion(parsed.manifest.version, input.currentVersion);
  if (!version.ok) return refusal(version.reason, version.detail);
  return { ok: true, manifest: parsed.manifest, manifestText, publicKey: signed.publicKey };
}
