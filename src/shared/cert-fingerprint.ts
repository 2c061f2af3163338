// The hub certificate's SHA-256 fingerprint, as IT reads it off the hub's screen or enrollment slip and types it on the
// classroom PC: 32 bytes, written as upper-case hex pairs joined by colons (how browsers and openssl show it). Input
// may use spaces, dashes, colons or none, in either case.
import { z } from 'zod';

/** The canonical form `AB:CD:…` (95 characters), or null when `input` is not 64 hex digits. */
export function normaliseFingerprint(input: string): string | null {
  const hex = input.replace(/^sha-?256[:/ ]?/i, '').replace(/[\s:-]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)?.join(':') ?? null;
}

export const CertFingerprint = z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, { message: 'a SHA-256 fingerprint is 32 hex pairs joined by colons' });
export type CertFingerprint = z.infer<typeof CertFingerprint>;
