import { describe, expect, it } from 'vitest';
import { noJitter } from '../../../src/shared/backoff.ts';
import { numberPlaceholders, transactionRetryMs } from './postgres-db.ts';

describe('transactionRetryMs (the shared backoff)', () => {
  it('doubles from 10 ms to a 100 ms cap', () => {
    expect([1, 2, 3, 4, 5, 7].map((a) => transactionRetryMs(a, noJitter))).toEqual([10, 20, 40, 80, 100, 100]);
  });

  it('jitters ×0.5–1.5 and never pauses 0 ms (the old pause could be 0, so deadlocked pairs met again at once)', () => {
    expect(transactionRetryMs(1, () => 0)).toBe(5);
    expect(transactionRetryMs(7, () => 0.999)).toBeLessThanOrEqual(150);
  });
});

describe('numberPlaceholders', () => {
  it.each([
    ['SELECT ? WHERE a = ?', 'SELECT $1 WHERE a = $2'],
    ["SELECT '?', \"a?\", ? -- why?\n, ?", "SELECT '?', \"a?\", $1 -- why?\n, $2"],
  ])('numbers ? outside quotes and comments: %s', (sql, expected) => {
    expect(numberPlaceholders(sql)).toBe(expected);
  });
});
