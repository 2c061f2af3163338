// Certificate pinning for the hub. A county hub's HTTPS certificate is self-signed, so no CA vouches for it; instead IT
// pins its SHA-256 fingerprint when enrolling the PC (typed from the enrollment slip, or checked against what the hub
// shows). Afterwards a connection to that host is accepted only with exactly that certificate — a machine in the middle,
// even one holding a CA-issued certificate for the name, is refused with a named reason. Hosts without a pin keep
// Chromium's own verdict. Pure decisions (plus node:crypto to read a PEM); Electron's setCertificateVerifyProc and the
// Node probe (hub-cert-probe.ts) both ask decideCertificate.
import { X509Certificate } from 'node:crypto';
import { normaliseFingerprint } from '../shared/cert-fingerprint.ts';

export type PinRefusal = 'cert_pin_mismatch';

export type PinDecision =
  | { verdict: 'accept' }
  | { verdict: 'refuse'; reason: PinRefusal; pinned: string; presented: string }
  /** No pin for this host: whatever the platform's own verification says. */
  | { verdict: 'platform' };

/** Host names are compared as URLs spell them: lower case, IPv6 without brackets. */
export function pinKey(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

export function decideCertificate(hostname: string, presented: string | null, pins: ReadonlyMap<string, string>): PinDecision {
  const pinned = pins.get(pinKey(hostname));
  if (pinned === undefined) return { verdict: 'platform' };
  const seen = presented === null ? null : normaliseFingerprint(presented);
  if (seen !== null && seen === pinned) return { verdict: 'accept' };
  return { verdict: 'refuse', reason: 'cert_pin_mismatch', pinned, presented: seen ?? 'unreadable certificate' };
}

/** The SHA-256 fingerprint of a PEM certificate (Electron hands the peer certificate over as PEM), or null. */
export function fingerprintOfPem(pem: string): string | null {
  try {
    return normaliseFingerprint(new X509Certificate(pem).fingerprint256);
  } catch {
    return null; // decideCertificate refuses an unreadable certificate on a pinned host
  }
}

/** Electron's setCertificateVerifyProc codes: 0 trust, -2 refuse, -3 use Chromium's own result. */
export function verifyProcResult(decision: PinDecision): 0 | -2 | -3 {
  if (decision.verdict === 'accept') return 0;
  if (decision.verdict === 'refuse') return -2;
  return -3;
}

/** The pins main holds: the enrolled hub's (from the identity file) and one being confirmed during enrollment. */
export function createPinStore() {
  const pins = new Map<string, string>();
  return {
    pins: (): ReadonlyMap<string, string> => pins,
    /** Pins `fingerprint` for the host of `hubUrl` (replacing an earlier pin for that host). */
    pin(hubUrl: string, fingerprint: string): void {
      const canonical = normaliseFingerprint(fingerprint);
      if (!canonical) throw new Error('not a SHA-256 fingerprint');
      pins.set(pinKey(new URL(hubUrl).hostname), canonical);
    },
    unpin(hubUrl: string): void {
      pins.delete(pinKey(new URL(hubUrl).hostname));
    },
  };
}
export type PinStore = ReturnType<typeof createPinStore>;
