// The hub's pack-signing key (Ed25519, node:crypto). Every pack manifest is signed at ingest; a classroom accepts a pack
// — from the hub or from a USB stick — only with a signature by the key it learnt at enrollment, so a stick cannot bring
// forged lessons. The private key is made on first start into HUB_DATA_DIR (mode 0600), never in the repository; back
// it up with the database: a hub with a new key must re-enroll every classroom.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packSignedText, type PackManifest } from '../../../src/shared/content-protocol.ts';

export const PACK_KEY_FILE = 'pack-signing-key.pem';

export type PackSigner = {
  /** Raw 32-byte public key, base64url: what classrooms store with their identity. */
  publicKey: string;
  sign(manifest: PackManifest): string;
  verify(manifest: PackManifest, signature: string): boolean;
};

export function packSignerOf(privateKey: KeyObject): PackSigner {
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('pack-signing key is not an Ed25519 key');
  return {
    publicKey: jwk.x,
    sign: (manifest) => sign(null, Buffer.from(packSignedText(manifest)), privateKey).toString('base64url'),
    verify: (manifest, signature) => verify(null, Buffer.from(packSignedText(manifest)), publicKey, Buffer.from(signature, 'base64url')),
  };
}

/** A key that lives as long as the process (tests, and a hub started without a data directory). */
export function ephemeralPackSigner(): PackSigner {
  return packSignerOf(generateKeyPairSync('ed25519').privateKey);
}

/**
 * Reads HUB_DATA_DIR/pack-signing-key.pem, or makes it on first start. 'wx' makes creation exclusive, so the hub and
 * `npm run hub:ingest` starting together end up with one key: the loser reads the winner's file.
 */
export function loadOrCreatePackSigner(dataDir: string): { signer: PackSigner; created: boolean } {
  const file = join(dataDir, PACK_KEY_FILE);
  try {
    return { signer: packSignerOf(createPrivateKey(readFileSync(file, 'utf8'))), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  try {
    writeFileSync(file, pem, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { signer: packSignerOf(createPrivateKey(readFileSync(file, 'utf8'))), created: false };
  }
  return { signer: packSignerOf(createPrivateKey(pem)), created: true };
}
