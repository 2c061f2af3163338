// jsonParam: a lone surrogate becomes U+FFFD (PostgreSQL refuses its JSON escape), whatever else the text holds; the
// fast way (no replacer) is taken only when nothing needs replacing, and gives what the slow way gives.
import { describe, expect, it } from 'vitest';
import { jsonParam } from './sql-db.ts';

describe('jsonParam', () => {
  it('replaces lone surrogates, keeps pairs and text that only looks like an escape', () => {
    const rows = [{ a: 'x\uD800y', b: '😀', c: 'back\\ud800slash', d: 1, e: null }, { a: '\uDC00' }];
    expect(JSON.parse(jsonParam(rows))).toEqual([{ a: 'x\uFFFDy', b: '😀', c: 'back\\ud800slash', d: 1, e: null }, { a: '\uFFFD' }]);
  });

  it('is the plain JSON text when there is nothing to replace', () => {
    const rows = [{ id: 'op-1', text: '二次备课：先复习', n: 3 }];
    expect(jsonParam(rows)).toBe(JSON.stringify(rows));
  });
});
