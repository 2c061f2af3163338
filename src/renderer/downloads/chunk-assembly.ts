// One chunk being put together from the bytes of one or more ranges (pure, in memory). A chunk is trusted only as a
// whole, once its SHA-256 matches; until then this tracks which of its bytes have arrived, and how many from its start
// are contiguous — that prefix is what a crash keeps (saved as parts) and what a resumed request starts after.
import { chunkRange, type FileTarget } from './range-plan.ts';

export type Assembly = {
  sha256: string;
  index: number;
  /** File offset of the chunk's first byte. */
  start: number;
  buffer: Uint8Array;
  /** Arrived bytes as sorted, disjoint [from, to) offsets in the chunk. */
  filled: [number, number][];
  /** Bytes from the start already saved as parts (they survive a crash). */
  saved: number;
};

/** A chunk to assemble, starting with the bytes of it already held (a saved prefix). */
export function createAssembly(file: FileTarget, index: number, held: Uint8Array | null = null): Assembly {
  const { start, end } = chunkRange(file, index);
  const buffer = new Uint8Array(end - start + 1);
  const prefix = held ? held.subarray(0, buffer.length) : new Uint8Array(0);
  buffer.set(prefix);
  return { sha256: file.sha256, index, start, buffer, filled: prefix.length > 0 ? [[0, prefix.length]] : [], saved: prefix.length };
}

/** Copies `bytes` in at `offset` within the chunk (bytes past its end are ignored). */
export function addBytes(assembly: Assembly, offset: number, bytes: Uint8Array): void {
  const from = Math.max(0, offset);
  const to = Math.min(assembly.buffer.length, offset + bytes.length);
  if (to <= from) return;
  assembly.buffer.set(bytes.subarray(from - offset, to - offset), from);
  let lo = from;
  let hi = to;
  const kept: [number, number][] = [];
  for (const [a, b] of assembly.filled) {
    if (b < lo || a > hi) kept.push([a, b]);
    else {
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
  }
  kept.push([lo, hi]);
  assembly.filled = kept.sort((x, y) => x[0] - y[0]);
}

/** Bytes contiguous from the chunk's start. */
export const prefixLength = (assembly: Assembly): number => (assembly.filled[0]?.[0] === 0 ? assembly.filled[0][1] : 0);

export const isComplete = (assembly: Assembly): boolean => prefixLength(assembly) === assembly.buffer.length;

/** The prefix bytes not yet saved, as one part to save at `offset` (null when there are none). */
export function unsavedPrefix(assembly: Assembly): { offset: number; bytes: Uint8Array } | null {
  const prefix = prefixLength(assembly);
  if (prefix <= assembly.saved) return null;
  return { offset: assembly.saved, bytes: assembly.buffer.slice(assembly.saved, prefix) };
}
