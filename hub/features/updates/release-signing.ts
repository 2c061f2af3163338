// The publisher's Ed25519 key (node:crypto): made once by `npm run hub:keygen`, kept outside the repository, used by
// `npm run hub:publish-update` to sign each release manifest. The signature file format and what exactly is signed live
// in src/shared/release-signature.ts, which the app's verifier reads too.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { releaseSigningContext, type ReleaseSignature } from '../../../src/shared/release-signature.ts';

export type PublisherKey = { privateKey: KeyObject; publicKey: string };

/** The public key as the app carries it: the raw 32 bytes in base64url (the JWK `x`). */
export function publicKeyText(key: KeyObject): string {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return jwk.x;
}

export function generatePublisherKey(): { privatePem: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: publicKeyText(privateKey) };
}

export function publisherKeyFromPem(pem: string): PublisherKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key must be Ed25519, not ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  return { privateKey, publicKey: publicKeyText(privateKey) };
}

export async function loadPublisherKey(path: string): Promise<PublisherKey> {
  return publisherKeyFromPem(await readFile(path, 'utf8'));
}

/** The `<manifest>.sig` file for a manifest's exact bytes. */
export function signManifest(key: PublisherKey, manifestName: string, manifestBytes: Buffer): string {
  const payload = Buffer.concat([Buffer.from(releaseSigningContext(manifestName), 'utf8'), manifestBytes]);
  const signature: ReleaseSignature = { format: 1, alg: 'ed25519', publicKey: key.publicKey, signature: sign(null, payload, key.privateKey).toString('base64url') };
  return `${JSON.stringify(signature)}\n`;
}

/** Where `hub:keygen` puts the private key and `hub:publish-update` looks for it: outside any checkout. */
export function defaultPublisherKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.HUB_RELEASE_KEY ?? join(homedir(), '.config', 'yunketang', 'release-signing-key.pem');
}
