// The pin decision, as a table: a pinned host is accepted with exactly its fingerprint and refused (named) with any
// other; hosts without a pin keep the platform's own verdict.
import { describe, expect, it } from 'vitest';
import { normaliseFingerprint } from '../shared/cert-fingerprint.ts';
import { createPinStore, decideCertificate, fingerprintOfPem, verifyProcResult } from './cert-pin.ts';

const A = 'AB:'.repeat(31) + 'AB';
const B = '0C:'.repeat(31) + '0D';
const pins = new Map([
  ['hub.county.local', A],
  ['10.0.0.5', A],
  ['fe80::1', A],
]);

describe('certificate pin decision', () => {
  it.each([
    ['the pinned certificate', 'hub.county.local', A, 'accept'],
    ['the pinned certificate, host in upper case', 'HUB.County.Local', A, 'accept'],
    ['the pinned certificate, fingerprint written without colons in lower case', 'hub.county.local', A.replace(/:/g, '').toLowerCase(), 'accept'],
    ['another certificate (a machine in the middle)', 'hub.county.local', B, 'refuse'],
    ['another certificate on a pinned IP address', '10.0.0.5', B, 'refuse'],
    ['a pinned IPv6 host written with brackets', '[fe80::1]', A, 'accept'],
    ['an unreadable certificate on a pinned host', 'hub.county.local', null, 'refuse'],
    ['a garbled fingerprint on a pinned host', 'hub.county.local', 'not-a-fingerprint', 'refuse'],
    ['a host without a pin', 'example.org', B, 'platform'],
    ['a host without a pin that only resembles a pinned one', 'hub.county.local.evil.example', A, 'platform'],
  ] as const)('%s → %s', (_label, host, presented, verdict) => {
    const decision = decideCertificate(host, presented, pins);
    expect(decision.verdict).toBe(verdict);
    if (decision.verdict === 'refuse') expect(decision).toMatchObject({ reason: 'cert_pin_mismatch', pinned: A });
  });

  it('maps decisions to the codes of Electron\'s setCertificateVerifyProc', () => {
    expect(verifyProcResult({ verdict: 'accept' })).toBe(0);
    expect(verifyProcResult({ verdict: 'refuse', reason: 'cert_pin_mismatch', pinned: A, presented: B })).toBe(-2);
    expect(verifyProcResult({ verdict: 'platform' })).toBe(-3);
  });

  it.each([
    ['AB:'.repeat(31) + 'AB', A],
    [`sha256/${'ab'.repeat(32)}`, A],
    [`SHA-256 ${'AB '.repeat(32)}`, A],
    ['ab-'.repeat(31) + 'ab', A],
    ['AB:'.repeat(31), null],
    ['ZZ'.repeat(32), null],
    ['', null],
  ])('normalises %j → %j', (input, expected) => {
    expect(normaliseFingerprint(input)).toBe(expected);
  });

  it('keeps one pin per host, replaced by a new enrollment', () => {
    const store = createPinStore();
    store.pin('https://hub.county.local:8787/', A.replace(/:/g, ''));
    expect(store.pins().get('hub.county.local')).toBe(A);
    store.pin('https://HUB.county.local/', B);
    expect([...store.pins()]).toEqual([['hub.county.local', B]]);
    expect(() => store.pin('https://hub.county.local', 'short')).toThrow(/fingerprint/);
    store.unpin('https://hub.county.local');
    expect(store.pins().size).toBe(0);
  });

  it('reads no fingerprint from something that is not a certificate', () => {
    expect(fingerprintOfPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toBeNull();
  });
});
