// HTTPS for the hub on a county network: a certificate and key from files (HUB_TLS_CERT, HUB_TLS_KEY), or a county
// self-signed one made by `npm run hub:cert` with `selfsigned` (pure JS over WebCrypto, so it works on a Windows or
// Linux hub without an openssl binary, and tests need nothing installed). Classroom PCs do not trust it through a CA:
// they pin its SHA-256 fingerprint at enrollment (src/main/cert-pin.ts), so a 10-year lifetime avoids re-enrolling.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { readFile } from 'node:fs/promises';
import { generate } from 'selfsigned';
import { normaliseFingerprint } from '../../../src/shared/cert-fingerprint.ts';

export type HubTls = { cert: string; key: string; fingerprint256: string };

/** The fingerprint classroom PCs pin, in the canonical `AB:CD:…` form. */
export function fingerprintOf(certPem: string): string {
  return normaliseFingerprint(new X509Certificate(certPem).fingerprint256) ?? '';
}

/** Reads and checks a certificate and its key (the key must belong to the certificate). */
export async function readHubTls(certPath: string, keyPath: string): Promise<HubTls> {
  const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  const x509 = new X509Certificate(cert);
  if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error(`${keyPath} is not the key of ${certPath}`);
  return { cert, key, fingerprint256: fingerprintOf(cert) };
}

/** A self-signed server certificate for the names and addresses classrooms use to reach the hub. */
export async function makeCountyCertificate(hosts: readonly string[], now: Date, years = 10): Promise<HubTls> {
  if (hosts.length === 0) throw new Error('name at least one host name or IP address classrooms use for the hub');
  const notAfterDate = new Date(now);
  notAfterDate.setUTCFullYear(now.getUTCFullYear() + years);
  const pems = await generate([{ name: 'commonName', value: hosts[0] ?? 'hub' }, { name: 'organizationName', value: '四川云教 county hub' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 24 * 3600_000), // a classroom PC whose clock runs a day behind still connects
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((h) => (isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })) },
    ],
  });
  return { cert: pems.cert, key: pems.private, fingerprint256: fingerprintOf(pems.cert) };
}
