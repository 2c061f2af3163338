// Checks the hub's Ed25519 signature of a pack manifest with WebCrypto (Chromium, Electron and Node all have it), the
// same text the hub signed (shared packSignedText). Any failure — a malformed key, a wrong signature — is "not verified".
import { packSignedText, type PackManifest } from '../../shared/content-protocol.ts';

export function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '='));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export async function verifyPackSignature(manifest: PackManifest, signature: string, publicKey: string): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey('raw', base64UrlBytes(publicKey), { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, base64UrlBytes(signature), new TextEncoder().encode(packSignedText(manifest)));
  } catch {
    return false; // a key or signature WebCrypto cannot even read is simply not a valid signature
  }
}
