// A chunk assembled from bytes that arrive in any order and from several ranges: what is contiguous from its start
// (what a crash keeps), when it is whole, and which bytes are not yet saved.
import { describe, expect, it } from 'vitest';
import { addBytes, createAssembly, isComplete, prefixLength, unsavedPrefix } from './chunk-assembly.ts';

const file = { sha256: 'f', size: 2500, chunkSize: 1000 };
const seq = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) % 251);

describe('chunk assembly', () => {
  it('fills a chunk from ranges in any order; the prefix grows only when the gap closes', () => {
    const c = createAssembly(file, 1);
    expect(c.start).toBe(1000);
    addBytes(c, 600, seq(600, 400)); // the back half first (an endgame split)
    expect(prefixLength(c)).toBe(0);
    addBytes(c, 0, seq(0, 300));
    expect(prefixLength(c)).toBe(300);
    addBytes(c, 300, seq(300, 300));
    expect(prefixLength(c)).toBe(1000);
    expect(isComplete(c)).toBe(true);
    expect(c.buffer).toEqual(seq(0, 1000));
  });

  it('the short last chunk; bytes past its end are ignored; overlaps are harmless', () => {
    const c = createAssembly(file, 2);
    expect(c.buffer.length).toBe(500);
    addBytes(c, 0, seq(0, 300));
    addBytes(c, 200, seq(200, 400)); // 100 bytes past the end
    expect(isComplete(c)).toBe(true);
    expect(c.filled).toEqual([[0, 500]]);
  });

  it('starts from a held prefix, which counts as saved; only new prefix bytes are unsaved', () => {
    const c = createAssembly(file, 0, seq(0, 400));
    expect(prefixLength(c)).toBe(400);
    expect(unsavedPrefix(c)).toBeNull();
    addBytes(c, 400, seq(400, 100));
    addBytes(c, 800, seq(800, 100)); // not contiguous: not saved yet
    expect(unsavedPrefix(c)).toEqual({ offset: 400, bytes: seq(400, 100) });
  });
});
