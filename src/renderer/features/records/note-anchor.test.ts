import { describe, expect, it } from 'vitest';
import { parseAnchor } from './note-anchor.ts';

describe('parseAnchor', () => {
  it.each([
    ['time', '12:30', { kind: 'time', seconds: 750 }],
    ['time', '5', { kind: 'time', seconds: 300 }],
    ['time', '12:75', null],
    ['time', 'abc', null],
    ['page', '3', { kind: 'page', page: 3 }],
    ['page', '0', null],
    ['section', ' 二、通分 ', { kind: 'section', section: '二、通分' }],
    ['section', '  ', null],
  ] as const)('%s %j', (kind, input, expected) => {
    expect(parseAnchor(kind, input)).toEqual(expected);
  });
});
