// The hub's one HTTP Range parser (RFC 9110 §14), for content blobs and the update feed. A resumable chunk download asks
// for one range; electron-updater's differential download asks for many (`bytes=a-b, c-d, …`, ascending, never
// touching). Defences as in Apache httpd and nginx: ranges are sorted and overlapping or adjacent ones merged, so the
// bytes sent never exceed the file's size however the header is written, and past MAX_RANGES the header is ignored
// and the whole file is sent once. Pure, so its edge cases are table-tested.

export type ByteRange = { start: number; end: number }; // inclusive, as in the header

export type RangeDecision = { kind: 'full' } | { kind: 'partial'; ranges: ByteRange[] } | { kind: 'unsatisfiable' };

/**
 * Apache httpd's default MaxRanges. After merging, a request costs at most the file plus ~120 bytes of part header per
 * range, so the cap only bounds parsing work; it is high enough that electron-updater's differential downloads stay
 * differential, and past it the client gets the whole file (which electron-updater handles by downloading it in full).
 */
export const MAX_RANGES = 200;

const FULL: RangeDecision = { kind: 'full' };

export function decideRanges(header: string | undefined, size: number, maxRanges = MAX_RANGES): RangeDecision {
  // A zero-length file has no byte a range could select; the whole (empty) file is the only sensible answer.
  if (header === undefined || size === 0) return FULL;
  const match = /^bytes=(.*)$/i.exec(header.trim());
  if (!match?.[1]) return FULL; // another unit, or no ranges: RFC 9110 says ignore the header
  const specs = match[1].split(',').map((s) => s.trim()).filter((s) => s !== ''); // empty list elements are allowed
  if (specs.length === 0 || specs.length > maxRanges) return FULL;
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const m = /^(\d+)-(\d*)$|^-(\d+)$/.exec(spec);
    if (!m) return FULL; // malformed: ignore the header
    if (m[3] !== undefined) {
      const suffix = Number(m[3]);
      if (suffix > 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const first = Number(m[1]);
    const last = m[2] === '' ? Infinity : Number(m[2]);
    if (last < first) return FULL; // an invalid range-spec (not merely unsatisfiable): ignore the header
    if (first < size) ranges.push({ start: first, end: Math.min(last, size - 1) });
  }
  if (ranges.length === 0) return { kind: 'unsatisfiable' };
  return { kind: 'partial', ranges: mergeRanges(ranges) };
}

/** Sorted, with overlapping and adjacent ranges joined: the result never covers a byte twice. */
export function mergeRanges(ranges: ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: ByteRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** True when If-None-Match names this entity tag (or `*`), so a 304 saves the body. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

export function multipartPartHeader(boundary: string, contentType: string, range: ByteRange, size: number, first: boolean): string {
  return `${first ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: ${contentRange(range, size)}\r\n\r\n`;
}

export function multipartEnd(boundary: string): string {
  return `\r\n--${boundary}--\r\n`;
}

/** Exact body length of a multipart/byteranges answer, so clients can show progress. */
export function multipartLength(boundary: string, contentType: string, ranges: ByteRange[], size: number): number {
  let total = Buffer.byteLength(multipartEnd(boundary));
  ranges.forEach((r, i) => {
    total += Buffer.byteLength(multipartPartHeader(boundary, contentType, r, size, i === 0)) + (r.end - r.start + 1);
  });
  return total;
}
