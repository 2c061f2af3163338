// Which bytes to ask the hub for next (pure). Work is byte spans of files, in priority order: each chunk not yet
// stored, from what is already held of it (a resumed partial chunk) to its end; neighbouring chunks merge into one
// span. A request takes a piece of a span, ending on a chunk boundary, so a connection streams several chunks without
// the round trip between requests. At the end, when no span is left, an idle connection takes the back half of the
// range with the most bytes still to come, so the last bytes arrive over every connection, not one slow one.

export type FileTarget = { sha256: string; size: number; chunkSize: number };
/** Bytes start–end (inclusive) of a file. */
export type Span = { file: FileTarget; start: number; end: number };

export const chunkRange = (file: FileTarget, index: number) => {
  const start = index * file.chunkSize;
  return { start, end: Math.min(start + file.chunkSize, file.size) - 1 };
};

/** The spans still to fetch of one file: `missing` maps each chunk not stored to the bytes already held of it. */
export function missingSpans(file: FileTarget, missing: ReadonlyMap<number, number>): Span[] {
  const spans: Span[] = [];
  for (const index of [...missing.keys()].sort((a, b) => a - b)) {
    const { start, end } = chunkRange(file, index);
    const from = start + Math.min(missing.get(index) ?? 0, end - start);
    const last = spans.at(-1);
    if (last && last.end + 1 === from && last.file === file) last.end = end;
    else spans.push({ file, start: from, end });
  }
  return spans;
}

export type RangePlan = {
  /** The next piece: whole chunks up to `maxBytes` (at least the rest of its first chunk), never past its span. */
  take(maxBytes: number): Span | null;
  /** Bytes that were not delivered (an error, a pause) go back to the front of their file's queue. */
  giveBack(span: Span): void;
  remainingBytes(): number;
  isEmpty(): boolean;
};

export function createRangePlan(spansInPriorityOrder: Span[]): RangePlan {
  const queue = spansInPriorityOrder.map((s) => ({ ...s }));
  const rank = new Map<string, number>();
  queue.forEach((s, i) => rank.has(s.file.sha256) || rank.set(s.file.sha256, i));
  const rankOf = (s: Span) => rank.get(s.file.sha256) ?? -1; // a file not in the plan: first (it was in flight)
  return {
    take(maxBytes) {
      const span = queue[0];
      if (!span) return null;
      const { file } = span;
      const firstChunkEnd = chunkRange(file, Math.floor(span.start / file.chunkSize)).end;
      const lastWholeChunkEnd = Math.floor((span.start + Math.max(1, maxBytes)) / file.chunkSize) * file.chunkSize - 1;
      const end = Math.min(span.end, Math.max(firstChunkEnd, lastWholeChunkEnd));
      const piece = { file, start: span.start, end };
      if (end >= span.end) queue.shift();
      else span.start = end + 1;
      return piece;
    },
    giveBack(span) {
      if (span.end < span.start) return;
      const at = queue.findIndex((s) => rankOf(s) > rankOf(span) || (rankOf(s) === rankOf(span) && s.start > span.start));
      queue.splice(at < 0 ? queue.length : at, 0, { ...span });
    },
    remainingBytes: () => queue.reduce((sum, s) => sum + s.end - s.start + 1, 0),
    isEmpty: () => queue.length === 0,
  };
}

/** A range in flight: `next` is the next byte it will deliver, `end` the last one it should (lowered by a split). */
export type ActiveRange = { span: Span; next: number };

/**
 * Endgame: the range with the most bytes still to come gives its back half to an idle connection. Returns the new
 * span (and lowers the donor's end), or null when no range has at least 2 × `minBytes` left.
 */
export function splitLargest(active: readonly ActiveRange[], minBytes: number): Span | null {
  let donor: ActiveRange | null = null;
  for (const a of active) if (!donor || a.span.end - a.next > donor.span.end - donor.next) donor = a;
  if (!donor) return null;
  const left = donor.span.end - donor.next + 1;
  if (left < 2 * minBytes) return null;
  const mid = donor.next + Math.floor(left / 2);
  const back = { file: donor.span.file, start: mid, end: donor.span.end };
  donor.span.end = mid - 1;
  return back;
}
