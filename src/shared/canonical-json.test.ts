import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson', () => {
  it.each([
    ['key order does not matter', { b: 1, a: [2, { d: 'x', c: null }] }, '{"a":[2,{"c":null,"d":"x"}],"b":1}'],
    ['sorted by UTF-16 code units, not locale', { é: 1, z: 2, Z: 3, 课: 4 }, '{"Z":3,"z":2,"é":1,"课":4}'],
    ['strings escaped as JSON.stringify does', { s: 'a"\\\n\u2028课' }, '{"s":"a\\"\\\\\\n\u2028课"}'],
    ['undefined members left out', { a: undefined, b: true }, '{"b":true}'],
    ['numbers as JavaScript writes them', [0, -0, 1e21, 262144, 0.5], '[0,0,1e+21,262144,0.5]'],
  ])('%s', (_what, value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/finite/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/cannot encode/);
  });
});
