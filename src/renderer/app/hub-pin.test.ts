// Pinning before enrolling, against a stand-in for main's hub:pinCertificate (main's side is tested over real TLS in
// src/main/hub-https.test.ts): an https hub is pinned first and a refusal stops enrollment before anything is sent.
import { describe, expect, it, vi } from 'vitest';
import type { DesktopApi, HubPinResult } from '../../shared/ipc.ts';
import { HubPinRefused, pinHubCertificate } from './hub-pin.ts';

const fp = 'AB:'.repeat(31) + 'AB';

function desktopAnswering(result: HubPinResult) {
  const pinCertificate = vi.fn(() => Promise.resolve(result));
  return { desktop: { hub: { pinCertificate } } as unknown as DesktopApi, pinCertificate };
}

describe('pinning the hub certificate before enrollment', () => {
  it('pins an https hub and returns the fingerprint to keep with the identity', async () => {
    const { desktop, pinCertificate } = desktopAnswering({ ok: true, fingerprint: fp });
    expect(await pinHubCertificate(desktop, 'https://hub.county.local:8787', ` ${fp.toLowerCase()} `)).toBe(fp);
    expect(pinCertificate).toHaveBeenCalledWith({ hubUrl: 'https://hub.county.local:8787', fingerprint: fp.toLowerCase() });
  });

  it('asks nothing for a plain-http hub on loopback or in tests', async () => {
    const { desktop, pinCertificate } = desktopAnswering({ ok: true, fingerprint: fp });
    expect(await pinHubCertificate(desktop, 'http://127.0.0.1:8787', '')).toBeUndefined();
    expect(pinCertificate).not.toHaveBeenCalled();
  });

  it('leaves https to the browser in the browser build', async () => {
    const { desktop } = desktopAnswering({ ok: false, reason: 'unsupported', detail: 'browser' });
    expect(await pinHubCertificate(desktop, 'https://hub.county.local', fp)).toBeUndefined();
  });

  it.each([
    [{ ok: false, reason: 'cert_pin_mismatch', detail: 'other', presented: '0C:'.repeat(31) + '0D' }, 'cert_pin_mismatch'],
    [{ ok: false, reason: 'invalid_fingerprint', detail: 'short' }, 'invalid_fingerprint'],
    [{ ok: false, reason: 'hub_unreachable', detail: 'ECONNREFUSED' }, 'hub_unreachable'],
  ] as const)('refuses with the named reason %#', async (result, reason) => {
    const { desktop } = desktopAnswering(result);
    const error = await pinHubCertificate(desktop, 'https://hub.county.local', fp).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubPinRefused);
    expect(error).toMatchObject({ reason });
  });
});
