// The publisher's signature over a release manifest (latest.yml and its platform variants). The hub's publisher signs
// the manifest's exact bytes with an Ed25519 key (`npm run hub:keygen`, `npm run hub:publish-update`) and writes
// `<manifest>.sig` beside it; the app verifies it against the public keys baked into the build before anything from a
// feed or a folder is offered. The manifest names each file's size and sha512, so one signature covers the installer.
import { z } from 'zod';

export const RELEASE_SIGNATURE_SUFFIX = '.sig';
export const MAX_SIGNATURE_BYTES = 4096;

/** An Ed25519 public key: its 32 raw bytes in base64url (a JWK's `x`), 43 characters. */
export const PublisherPublicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'an Ed25519 public key is 43 base64url characters' });

export const ReleaseSignature = z.strictObject({
  format: z.literal(1),
  alg: z.literal('ed25519'),
  /** Which trusted key signed (the app refuses keys it does not carry, before verifying). */
  publicKey: PublisherPublicKey,
  /** 64 bytes in base64url. */
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, { message: 'an Ed25519 signature is 86 base64url characters' }),
});
export type ReleaseSignature = z.infer<typeof ReleaseSignature>;

/**
 * What is signed: this context line (UTF-8), then the manifest's bytes exactly as published. The context names the
 * manifest file, so a beta manifest cannot be replayed as latest.yml, nor a Linux one as the Windows one.
 */
export function releaseSigningContext(manifestName: string): string {
  return `yunketang-release-signature-v1\n${manifestName}\n`;
}

export const signatureFileName = (manifestName: string) => `${manifestName}${RELEASE_SIGNATURE_SUFFIX}`;
