// The hub-certificate IPC handlers with the real probe against a real HTTPS hub: a matching fingerprint is pinned, a
// wrong one is refused with what was presented and pins nothing; the identity store keeps the pin in step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsHub } from '../../tests/support/https-hub.ts';
import type { DeviceIdentity } from '../shared/ipc.ts';
import { createPinStore } from './cert-pin.ts';
import { probeHubCertificate } from './hub-cert-probe.ts';
import { createCertRefusalLog, createHubTrustHandlers, pinningIdentityStore, type IdentityStore } from './hub-trust-handlers.ts';

let hub: Awaited<ReturnType<typeof startHttpsHub>>;
beforeAll(async () => {
  hub = await startHttpsHub();
});
afterAll(() => hub.close());

function memoryIdentity(): IdentityStore {
  let value: DeviceIdentity | null = null;
  return { get: () => Promise.resolve(value), set: (v) => Promise.resolve(void (value = v)), clear: () => Promise.resolve(void (value = null)) };
}

function setup() {
  const pins = createPinStore();
  const identity = pinningIdentityStore(memoryIdentity(), pins);
  const refusals = createCertRefusalLog();
  const handlers = createHubTrustHandlers({ pins, identity, refusals, probe: (url, fp) => probeHubCertificate(url, fp, 5_000) });
  return { pins, identity, refusals, handlers };
}

const identityFor = (hubUrl: string, hubCertSha256?: string): DeviceIdentity => ({
  hubUrl,
  deviceId: 'dev_01',
  token: 't'.repeat(48),
  school: { id: 'sch-1', name: '昭觉县某小学', kind: 'receiving', allianceId: 'alliance-1' },
  classroom: { id: 'cls-1', schoolId: 'sch-1', name: '三年级一班', grade: '3' },
  hubName: '昭觉县 hub',
  enrolledAt: '2026-03-01T08:00:00+08:00',
  ...(hubCertSha256 ? { hubCertSha256 } : {}),
});

describe('hub certificate handlers', () => {
  it('pins the fingerprint when the hub presents it', async () => {
    const { pins, handlers } = setup();
    expect(await handlers['hub:pinCertificate']({ hubUrl: hub.base, fingerprint: hub.tls.fingerprint256 })).toEqual({ ok: true, fingerprint: hub.tls.fingerprint256 });
    expect(pins.pins().get('127.0.0.1')).toBe(hub.tls.fingerprint256);
  });

  it('refuses another fingerprint, names the one presented, and pins nothing', async () => {
    const { pins, handlers } = setup();
    const result = await handlers['hub:pinCertificate']({ hubUrl: hub.base, fingerprint: '0C:'.repeat(31) + '0D' });
    expect(result).toMatchObject({ ok: false, reason: 'cert_pin_mismatch', presented: hub.tls.fingerprint256 });
    expect(pins.pins().size).toBe(0);
  });

  it('keeps the pin with the identity: set pins, re-enrolling replaces, clearing unpins', async () => {
    const { pins, identity, handlers, refusals } = setup();
    await identity.set(identityFor('https://hub.county.local:8787', hub.tls.fingerprint256));
    expect(pins.pins().get('hub.county.local')).toBe(hub.tls.fingerprint256);
    await identity.set(identityFor('http://127.0.0.1:8787'));
    expect(pins.pins().size).toBe(0);
    await identity.set(identityFor('https://hub.county.local:8787', hub.tls.fingerprint256));
    refusals.record('hub.county.local', 'AB:CD', new Date('2026-03-02T10:00:00Z'));
    expect(await handlers['hub:certStatus'](undefined)).toEqual({ pinned: hub.tls.fingerprint256, lastRefusal: { host: 'hub.county.local', presented: 'AB:CD', at: '2026-03-02T10:00:00.000Z' } });
    await identity.clear();
    expect(pins.pins().size).toBe(0);
  });
});
