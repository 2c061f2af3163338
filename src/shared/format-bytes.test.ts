import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.ts';

describe('formatBytes (1024-based, as Windows Explorer)', () => {
  it.each([
    [0, '0 KB'],
    [-5, '0 KB'],
    [Number.NaN, '0 KB'],
    [1, '1 KB'],
    [1024, '1 KB'],
    [1025, '2 KB'],
    [500_000, '489 KB'],
    [1024 * 1024 - 1024, '1023 KB'],
    [1024 * 1024 - 1, '1.0 MB'],
    [1024 * 1024, '1.0 MB'],
    [1_000_000_000, '953.7 MB'],
    [1024 ** 3 - 1024, '1.0 GB'],
    [4 * 1024 ** 3, '4.0 GB'],
    [5_000_000_000, '4.7 GB'],
    [3 * 1024 ** 4, '3.0 TB'],
    [5000 * 1024 ** 4, '5000.0 TB'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
