// Device tokens and the admin credential are random bearer secrets; the hub keeps only their SHA-256, so a leaked
// database or data folder cannot impersonate a classroom or the administrator.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const newDeviceToken = () => `ykt_${randomBytes(32).toString('base64url')}`;
export const newDeviceId = () => `dev_${randomBytes(8).toString('hex')}`;
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Constant-time check of a presented secret against the stored SHA-256 (hex) of the admin credential. */
export function matchesTokenHash(given: string, expectedHashHex: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = Buffer.from(expectedHashHex, 'hex');
  return b.length === a.length && timingSafeEqual(a, b);
}

/** Enrollment codes people type on a touch board: no 0/O or 1/I lookalikes. */
export function newEnrollmentCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(8);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length] ?? 'A');
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}
