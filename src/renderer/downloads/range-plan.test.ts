// What to ask for next: missing chunks (and the rest of partial ones) as merged spans in priority order, pieces cut
// on chunk boundaries, bytes given back in order, and the endgame split of the range with most bytes left.
import { describe, expect, it } from 'vitest';
import { chunkRange, createRangePlan, missingSpans, splitLargest, type ActiveRange, type FileTarget } from './range-plan.ts';

const K = 1024;
const a: FileTarget = { sha256: 'a', size: 10 * 256 * K + 100, chunkSize: 256 * K }; // 11 chunks, the last 100 bytes
const b: FileTarget = { sha256: 'b', size: 3 * 256 * K, chunkSize: 256 * K };
const bytes = (s: { start: number; end: number } | null) => (s ? [s.start, s.end] : null);

describe('missingSpans', () => {
  it.each([
    ['everything missing → one span', [...Array(11).keys()].map((i) => [i, 0]), [[0, a.size - 1]]],
    ['chunks 2, 3 and 7 → two spans', [[2, 0], [3, 0], [7, 0]], [[512 * K, 1024 * K - 1], [7 * 256 * K, 8 * 256 * K - 1]]],
    ['chunk 3 held up to 1000 bytes → from byte 1000 of it', [[3, 1000], [4, 0]], [[3 * 256 * K + 1000, 5 * 256 * K - 1]]],
    ['a held prefix splits a run of missing chunks', [[2, 0], [3, 1000]], [[512 * K, 768 * K - 1], [768 * K + 1000, 1024 * K - 1]]],
    ['the short last chunk', [[10, 0]], [[10 * 256 * K, a.size - 1]]],
  ] as const)('%s', (_name, missing, expected) => {
    expect(missingSpans(a, new Map(missing.map(([i, h]) => [i, h]))).map(bytes)).toEqual(expected);
  });
});

describe('range plan', () => {
  it('cuts pieces on chunk boundaries: at least the rest of the first chunk, whole chunks up to the size asked', () => {
    const plan = createRangePlan(missingSpans(a, new Map([[0, 1000], [1, 0], [2, 0], [3, 0], [4, 0]])));
    expect(bytes(plan.take(0))).toEqual([1000, 256 * K - 1]); // no size known yet: the rest of one chunk
    expect(bytes(plan.take(600 * K))).toEqual([256 * K, 768 * K - 1]); // two whole chunks fit in 600 KiB
    expect(bytes(plan.take(10 * 1024 * K))).toEqual([768 * K, 5 * 256 * K - 1]); // never past the span
    expect(plan.take(1)).toBeNull();
    expect(plan.isEmpty()).toBe(true);
  });

  it('keeps files in priority order, and bytes given back go before later work', () => {
    const plan = createRangePlan([...missingSpans(a, new Map([[0, 0], [1, 0]])), ...missingSpans(b, new Map([[0, 0]]))]);
    const first = plan.take(0);
    expect(first?.file.sha256).toBe('a');
    expect(plan.remainingBytes()).toBe(256 * K + 256 * K);
    plan.giveBack({ file: a, start: 100, end: 256 * K - 1 }); // the range was cut after 100 bytes
    expect(bytes(plan.take(0))).toEqual([100, 256 * K - 1]);
    expect(bytes(plan.take(0))).toEqual([256 * K, 512 * K - 1]);
    expect(plan.take(0)?.file.sha256).toBe('b');
  });

  it('an empty given-back span is ignored', () => {
    const plan = createRangePlan([]);
    plan.giveBack({ file: a, start: 10, end: 9 });
    expect(plan.isEmpty()).toBe(true);
  });
});

describe('splitLargest (endgame)', () => {
  const active = (start: number, next: number, end: number): ActiveRange => ({ span: { file: a, start, end }, next });

  it('gives the back half of the range with most bytes left, and lowers its end', () => {
    const ranges = [active(0, 200 * K, 256 * K - 1), active(256 * K, 300 * K, 512 * K - 1)];
    const back = splitLargest(ranges, 32 * K);
    expect(bytes(back)).toEqual([300 * K + 106 * K, 512 * K - 1]);
    expect(ranges[1]?.span.end).toBe(406 * K - 1);
    expect(ranges[0]?.span.end).toBe(256 * K - 1);
  });

  it('splits nothing smaller than twice the minimum', () => {
    expect(splitLargest([active(0, 256 * K - 60 * K, 256 * K - 1)], 32 * K)).toBeNull();
    expect(splitLargest([], 32 * K)).toBeNull();
  });

  it('chunkRange: the last chunk ends at the file end', () => {
    expect(chunkRange(a, 10)).toEqual({ start: 10 * 256 * K, end: a.size - 1 });
  });
});
