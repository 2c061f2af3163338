// A real hub over HTTPS with a county self-signed certificate (hub:cert's code), a TLS "machine in the middle" that
// answers with its own certificate and relays to the hub, and a Node client that pins a fingerprint the way the app
// does (cert-pin.ts): the request — and its bearer token — is written only after the pin matched.
import { request } from 'node:https';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { makeCountyCertificate, type HubTls } from '../../hub/core/http/hub-tls.ts';
import { startTestHub } from '../../hub/testing/test-hub.ts';
import { decideCertificate } from '../../src/main/cert-pin.ts';
import { normaliseFingerprint } from '../../src/shared/cert-fingerprint.ts';

export async function startHttpsHub() {
  const tls = await makeCountyCertificate(['127.0.0.1', 'localhost'], new Date());
  const hub = await startTestHub(undefined, { tls });
  return { ...hub, tls };
}

/** A TLS server with another self-signed certificate for the same names that relays bytes to `target`, counting them. */
export async function startMachineInTheMiddle(target: URL): Promise<{ url: string; tls: HubTls; bytesFromClients: () => number; close(): Promise<void> }> {
  const tls = await makeCountyCertificate(['127.0.0.1', 'localhost'], new Date());
  let received = 0;
  const server = createServer({ cert: tls.cert, key: tls.key }, (client) => {
    const upstream = connect({ host: target.hostname, port: Number(target.port), rejectUnauthorized: false });
    client.on('data', (chunk: Buffer) => void (received += chunk.length));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    tls,
    bytesFromClients: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export class PinRefused extends Error {
  constructor(readonly presented: string) {
    super(`cert_pin_mismatch: presented ${presented}`);
  }
}

/** A TLS socket to `url` whose certificate matched `pin`; refused (nothing written) otherwise. */
export function pinnedSocket(url: URL, pin: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    socket.once('secureConnect', () => {
      const presented = normaliseFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
      const decision = decideCertificate(url.hostname, presented, new Map([[url.hostname, pin]]));
      if (decision.verdict === 'accept') return resolve(socket);
      socket.destroy();
      reject(new PinRefused(decision.verdict === 'refuse' ? decision.presented : ''));
    });
    socket.once('error', reject);
  });
}

/** A request over a pinned connection: status and body, or PinRefused before any byte of the request is sent. */
export async function pinnedRequest(url: string, pin: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const socket = await pinnedSocket(target, pin);
  return new Promise((resolve, reject) => {
    const req = request(target, { method: init.method ?? 'GET', headers: init.headers ?? {}, createConnection: () => socket }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

export const pinnedGet = (url: string, pin: string, headers: Record<string, string> = {}) => pinnedRequest(url, pin, { headers });
