import { describe, expect, it } from 'vitest';
import type { PackManifest } from '../../shared/content-protocol.ts';
import { decidePackUpdate, type PackUpdate } from './pack-replacement.ts';

const v1: PackManifest = {
  protocol: 1,
  id: 'p',
  kind: 'preview',
  title: '预习包',
  createdAt: '2026-11-25T00:00:00.000Z',
  files: [{ path: 'a.pdf', size: 1, mime: 'application/pdf', sha256: 'a'.repeat(64), chunkSize: 16_384, chunks: ['b'.repeat(64)] }],
};
const v2 = { ...v1, title: '预习包（修订）', createdAt: '2026-11-26T00:00:00.000Z' };
const older = { ...v1, title: '旧版', createdAt: '2026-11-24T00:00:00.000Z' };
const sameTimeOtherContent = { ...v1, title: '同一时间的另一版' };
const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(v1).reverse()))) as PackManifest;

const table: [string, Parameters<typeof decidePackUpdate>[0], PackManifest, string | undefined, PackUpdate][] = [
  ['not stored yet', undefined, v1, 'K', 'new'],
  ['the same manifest', { manifest: v1, signedBy: 'K' }, v1, 'K', 'same'],
  ['the same manifest, keys in another order', { manifest: v1, signedBy: 'K' }, reordered, 'K', 'same'],
  ['a newer version from the same key', { manifest: v1, signedBy: 'K' }, v2, 'K', 'replace'],
  ['an older version from the same key', { manifest: v2, signedBy: 'K' }, v1, 'K', { refuse: 'pack_not_newer' }],
  ['another version dated the same', { manifest: v1, signedBy: 'K' }, sameTimeOtherContent, 'K', { refuse: 'pack_not_newer' }],
  ['a newer version from another key', { manifest: v1, signedBy: 'K' }, v2, 'OTHER', { refuse: 'pack_other_source' }],
  ['a newer signed version of a row stored before signing', { manifest: v1, signedBy: undefined }, v2, 'K', 'replace'],
  ['an older signed version of a row stored before signing', { manifest: v1, signedBy: undefined }, older, 'K', { refuse: 'pack_not_newer' }],
];

describe('decidePackUpdate (a pack id that is already stored)', () => {
  it.each(table)('%s', (_what, existing, manifest, signedBy, expected) => {
    expect(decidePackUpdate(existing, { manifest, signedBy })).toEqual(expected);
  });
});
