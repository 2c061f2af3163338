// The hub over HTTPS with a county self-signed certificate, over real TLS: a client pinned to the hub's fingerprint gets
// its answers (HTTP and the live WebSocket as wss); one pinned to another fingerprint, or talking to a machine in the
// middle, is refused with cert_pin_mismatch before a byte of its request (or token) is sent. The enrollment probe names
// the fingerprint actually presented.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { pinnedGet, pinnedRequest, pinnedSocket, PinRefused, startHttpsHub, startMachineInTheMiddle } from '../../tests/support/https-hub.ts';
import { EnrollResponse } from '../shared/protocol.ts';
import { LIVE_WS_PATH } from '../shared/live-protocol.ts';
import { fingerprintOfPem } from './cert-pin.ts';
import { probeHubCertificate } from './hub-cert-probe.ts';

let hub: Awaited<ReturnType<typeof startHttpsHub>>;
let mitm: Awaited<ReturnType<typeof startMachineInTheMiddle>>;
const other = 'AB:'.repeat(31) + 'AB';

beforeAll(async () => {
  hub = await startHttpsHub();
  mitm = await startMachineInTheMiddle(new URL(hub.base));
});
afterAll(async () => {
  await mitm.close();
  await hub.close();
});

describe('hub over HTTPS, pinned by fingerprint', () => {
  it('listens on https:// and its certificate has the fingerprint hub:cert printed', () => {
    expect(hub.base).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fingerprintOfPem(hub.tls.cert)).toBe(hub.tls.fingerprint256);
  });

  it('answers a client pinned to its fingerprint', async () => {
    const res = await pinnedGet(`${hub.base}/v1/health`, hub.tls.fingerprint256);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ hubName: '测试中心' });
  });

  it('enrolls over HTTPS: the device token travels only inside the pinned connection', async () => {
    const res = await pinnedRequest(`${hub.base}/v1/enroll`, hub.tls.fingerprint256, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'DEMO-ZJ-1', deviceName: '教室电脑' }),
    });
    expect(res.status).toBe(201);
    expect(EnrollResponse.parse(JSON.parse(res.body)).device.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses the hub for a client pinned to another fingerprint (cert_pin_mismatch)', async () => {
    const refused = await pinnedGet(`${hub.base}/v1/health`, other).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PinRefused);
    expect((refused as PinRefused).presented).toBe(hub.tls.fingerprint256);
  });

  it('refuses a machine in the middle, which receives nothing of the request', async () => {
    const refused = await pinnedGet(`${mitm.url}/v1/health`, hub.tls.fingerprint256, { authorization: 'Bearer secret-device-token' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PinRefused);
    expect((refused as PinRefused).presented).toBe(mitm.tls.fingerprint256);
    expect(mitm.bytesFromClients()).toBe(0);
  });

  it('serves live signalling as wss on the same server, to a pinned client only', async () => {
    const url = `${hub.base.replace('https:', 'wss:')}${LIVE_WS_PATH}`;
    const target = new URL(hub.base);
    const socket = await pinnedSocket(target, hub.tls.fingerprint256);
    const open = await new Promise<boolean>((resolve, reject) => {
      const ws = new WebSocket(url, { createConnection: () => socket, perMessageDeflate: false });
      ws.once('open', () => {
        ws.close();
        resolve(true);
      });
      ws.once('error', reject);
    }).catch(() => false);
    expect(open).toBe(true);
    await expect(pinnedSocket(target, other)).rejects.toBeInstanceOf(PinRefused);
  });
});

describe('enrollment probe (main, node:tls)', () => {
  it('accepts the fingerprint on the slip, however it is written', async () => {
    const typed = hub.tls.fingerprint256.replace(/:/g, ' ').toLowerCase();
    expect(await probeHubCertificate(hub.base, typed)).toEqual({ ok: true, fingerprint: hub.tls.fingerprint256 });
  });

  const refusals: ReadonlyArray<readonly [string, () => string, string | null, string]> = [
    ['another fingerprint: cert_pin_mismatch', () => hub.base, other, 'cert_pin_mismatch'],
    ['a machine in the middle: cert_pin_mismatch', () => mitm.url, null, 'cert_pin_mismatch'],
    ['a fingerprint that is not one: invalid_fingerprint', () => hub.base, '1234', 'invalid_fingerprint'],
    ['a plain-HTTP address: not_https', () => hub.base.replace('https:', 'http:'), null, 'not_https'],
    ['a port where nothing listens: hub_unreachable', () => 'https://127.0.0.1:9', null, 'hub_unreachable'],
  ];
  it.each(refusals)('refuses %s', async (_label, url, typed, reason) => {
    const result = await probeHubCertificate(url(), typed ?? hub.tls.fingerprint256, 5_000);
    expect(result).toMatchObject({ ok: false, reason });
    if (reason === 'cert_pin_mismatch' && !result.ok && 'presented' in result) {
      expect(result.presented).toBe(url() === mitm.url ? mitm.tls.fingerprint256 : hub.tls.fingerprint256);
    }
  });
});
