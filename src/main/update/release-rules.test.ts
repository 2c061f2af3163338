// The version rules are electron-updater's own (the same `semver` module it resolves), and the publisher keys baked
// into the build are well-formed Ed25519 keys.
import { createPublicKey } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReleaseVersion, validReleaseVersion } from '../../shared/release-version.ts';
import { bakedPublisherKeys } from './publisher-keys.ts';

const require = createRequire(import.meta.url);

describe('release versions (electron-updater semver rules)', () => {
  it('uses the very semver module electron-updater resolves', () => {
    const updaterDir = dirname(require.resolve('electron-updater/package.json'));
    expect(require.resolve('semver', { paths: [updaterDir] })).toBe(require.resolve('semver'));
  });

  it.each([
    ['0.2.0', '0.2.0'],
    ['v0.2.0', '0.2.0'],
    ['1.0.0-beta.1', '1.0.0-beta.1'],
    ['1.0.0+build.5', '1.0.0'],
    ['01.0.0', null],
    ['1.0', null],
    ['1.0.0-', null],
    ['1.0.0-beta..1', null],
    ['latest', null],
    ['', null],
  ] as const)('%j → %j', (version, expected) => {
    expect(validReleaseVersion(version)).toBe(expected);
  });

  it.each([
    ['0.2.0', '0.1.0', null],
    ['0.1.0', '0.1.0', 'same_version'],
    ['0.1.0+other-build', '0.1.0', 'same_version'],
    ['0.0.9', '0.1.0', 'downgrade'],
    ['0.1.0-rc.1', '0.1.0', 'downgrade'],
    ['0.1.1-rc.1', '0.1.0', null],
    ['0.10.0', '0.9.0', null],
    ['bogus', '0.1.0', 'invalid_version'],
    ['0.2.0', 'not-semver', 'invalid_version'],
  ] as const)('offering %s to %s → %s', (offered, current, refusal) => {
    const check = checkReleaseVersion(offered, current);
    expect(check.ok ? null : check.reason).toBe(refusal);
  });
});

describe('baked publisher keys (resources/publisher-keys.json)', () => {
  it('parses, and every key is an Ed25519 public key', () => {
    for (const key of bakedPublisherKeys()) {
      expect(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key }, format: 'jwk' }).asymmetricKeyType).toBe('ed25519');
    }
  });
});
