// The hub's one Range parser: the forms clients send, the forms attackers send (overlaps, thousands of ranges,
// nonsense), and the empty file.
import { describe, expect, it } from 'vitest';
import { decideRanges, etagMatches, MAX_RANGES, mergeRanges } from './byte-ranges.ts';

const partial = (...ranges: [number, number][]) => ({ kind: 'partial', ranges: ranges.map(([start, end]) => ({ start, end })) });
const FULL = { kind: 'full' };
const NONE = { kind: 'unsatisfiable' };

describe('decideRanges (size 1000)', () => {
  it.each([
    [undefined, FULL],
    ['bytes=0-99', partial([0, 99])],
    ['bytes=900-', partial([900, 999])],
    ['bytes=900-5000', partial([900, 999])],
    ['bytes=-100', partial([900, 999])],
    ['bytes=-5000', partial([0, 999])],
    ['bytes=999-999', partial([999, 999])],
    ['BYTES=0-0', partial([0, 0])],
    ['bytes=0-0, 10-19', partial([0, 0], [10, 19])],
    ['bytes=0-99, 5000-5099, 900-', partial([0, 99], [900, 999])],
    ['bytes=0-1,,5-9', partial([0, 1], [5, 9])],
    // Overlapping and adjacent ranges are merged, out-of-order ones sorted: never a byte twice.
    ['bytes=0-499, 100-999', partial([0, 999])],
    ['bytes=0-99, 100-199', partial([0, 199])],
    ['bytes=500-599, 0-9', partial([0, 9], [500, 599])],
    ['bytes=0-, 0-, 0-', partial([0, 999])],
    ['bytes=-1, 999-', partial([999, 999])],
    // Unsatisfiable: every range starts past the end (416).
    ['bytes=1000-', NONE],
    ['bytes=5000-6000, 1000-', NONE],
    ['bytes=-0', NONE],
    // Malformed or invalid: the header is ignored and the whole file sent (RFC 9110 §14.2).
    ['bytes=50-10', FULL],
    ['items=0-1', FULL],
    ['bytes=-', FULL],
    ['bytes=abc', FULL],
    ['bytes=', FULL],
    ['bytes=0-1; 2-3', FULL],
    ['bytes=1e3-', FULL],
    ['bytes= 0x10-20', FULL],
  ] as const)('%s → %o', (header, expected) => {
    expect(decideRanges(header, 1000)).toEqual(expected);
  });

  it('sends a file of many overlapping ranges once, not once per range', () => {
    const header = `bytes=${Array.from({ length: MAX_RANGES }, () => '0-').join(',')}`;
    expect(decideRanges(header, 1000)).toEqual(partial([0, 999]));
  });

  it(`ignores a header of more than ${MAX_RANGES} ranges (the whole file, once)`, () => {
    expect(decideRanges(`bytes=${Array.from({ length: 2000 }, () => '0-').join(',')}`, 1000)).toEqual(FULL);
    expect(decideRanges(`bytes=${Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i * 2}-${i * 2}`).join(',')}`, 10_000)).toEqual(FULL);
  });

  it('never selects more bytes than the file has, whatever the header', () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    for (let i = 0; i < 500; i++) {
      const specs = Array.from({ length: 1 + random(MAX_RANGES) }, () => (random(4) === 0 ? `-${random(1500)}` : `${random(1200)}-${random(3) === 0 ? '' : random(1500) + 1200}`));
      const decision = decideRanges(`bytes=${specs.join(',')}`, 1000);
      if (decision.kind !== 'partial') continue;
      const total = decision.ranges.reduce((sum, r) => sum + r.end - r.start + 1, 0);
      expect(total).toBeLessThanOrEqual(1000);
      decision.ranges.forEach((r, k) => {
        expect(r.start).toBeLessThanOrEqual(r.end);
        expect(r.end).toBeLessThan(1000);
        if (k > 0) expect(r.start).toBeGreaterThan((decision.ranges[k - 1]?.end ?? 0) + 1);
      });
    }
  });

  it('answers an empty file whole (there is no byte a range could select)', () => {
    expect(decideRanges('bytes=0-', 0)).toEqual(FULL);
    expect(decideRanges('bytes=-5', 0)).toEqual(FULL);
    expect(decideRanges(undefined, 0)).toEqual(FULL);
  });
});

describe('mergeRanges', () => {
  it('keeps separate ranges apart and in order', () => {
    expect(mergeRanges([{ start: 10, end: 19 }, { start: 0, end: 5 }])).toEqual([{ start: 0, end: 5 }, { start: 10, end: 19 }]);
  });
});

describe('etagMatches', () => {
  it.each([
    [undefined, false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['*', true],
    ['"abd"', false],
  ] as const)('%s → %s', (header, expected) => {
    expect(etagMatches(header, '"abc"')).toBe(expected);
  });
});
