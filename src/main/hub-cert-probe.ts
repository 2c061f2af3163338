// Before a classroom PC enrolls with an HTTPS hub, main opens one TLS connection to it (node:tls, certificate not
// trusted through any CA) and compares the certificate it presents with the fingerprint IT typed. A match pins it for
// the renderer's requests; a mismatch is refused with the fingerprint actually presented, so IT can see which machine
// answered. The probe never sends anything over the connection.
import { connect, type PeerCertificate } from 'node:tls';
import { normaliseFingerprint } from '../shared/cert-fingerprint.ts';
import { decideCertificate, pinKey } from './cert-pin.ts';

export type ProbeResult =
  | { ok: true; fingerprint: string }
  | { ok: false; reason: 'cert_pin_mismatch'; presented: string; detail: string }
  | { ok: false; reason: 'invalid_fingerprint' | 'not_https' | 'hub_unreachable'; detail: string };

/** The certificate `host:port` presents, as a canonical fingerprint. */
export function presentedFingerprint(hubUrl: string, timeoutMs = 10_000): Promise<string> {
  const url = new URL(hubUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(url.port || 443),
      // Only the fingerprint decides, not a CA; SNI only for names (an IP address cannot be a server name).
      rejectUnauthorized: false,
      ...(/^[\d.]+$|:/.test(url.hostname) ? {} : { servername: url.hostname }),
      timeout: timeoutMs,
    });
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.once('secureConnect', () => {
      const cert: PeerCertificate = socket.getPeerCertificate();
      socket.end();
      const fingerprint = normaliseFingerprint(cert.fingerprint256 ?? '');
      if (fingerprint) resolve(fingerprint);
      else reject(new Error('the hub presented no readable certificate'));
    });
    socket.once('timeout', () => fail(new Error(`no TLS answer from ${url.host} in ${timeoutMs} ms`)));
    socket.once('error', fail);
  });
}

export async function probeHubCertificate(hubUrl: string, typed: string, timeoutMs?: number): Promise<ProbeResult> {
  const wanted = normaliseFingerprint(typed);
  if (!wanted) return { ok: false, reason: 'invalid_fingerprint', detail: 'a SHA-256 fingerprint is 64 hex digits' };
  let url: URL;
  try {
    url = new URL(hubUrl);
  } catch {
    return { ok: false, reason: 'not_https', detail: 'not a URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'not_https', detail: 'only an https:// hub has a certificate to pin' };
  let presented: string;
  try {
    presented = await presentedFingerprint(hubUrl, timeoutMs);
  } catch (error) {
    return { ok: false, reason: 'hub_unreachable', detail: error instanceof Error ? error.message : String(error) };
  }
  const decision = decideCertificate(url.hostname, presented, new Map([[pinKey(url.hostname), wanted]]));
  if (decision.verdict === 'refuse') {
    return { ok: false, reason: decision.reason, presented, detail: `the hub presented ${presented}, not the fingerprint on the slip` };
  }
  return { ok: true, fingerprint: wanted };
}
