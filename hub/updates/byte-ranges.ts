// HTTP Range parsing for the update feed. electron-updater's differential download asks for many ranges of the new
// installer in one request (`bytes=a-b, c-d, …`) and expects multipart/byteranges back; a resumed full download asks
// for one open range. Pure functions, tested on their own.

export type ByteRange = { start: number; end: number }; // inclusive, as in the header

/** null = no (usable) Range header: send the whole file; 'unsatisfiable' = 416. */
export function parseRangeHeader(header: string | undefined, size: number, maxRanges = 2000): ByteRange[] | null | 'unsatisfiable' {
  if (header === undefined) return null;
  const match = /^bytes=(.+)$/.exec(header.trim());
  if (!match?.[1]) return null; // unknown unit: RFC 9110 says ignore the header
  const specs = match[1].split(',').map((s) => s.trim());
  if (specs.length > maxRanges) return 'unsatisfiable';
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const m = /^(\d*)-(\d*)$/.exec(spec);
    if (!m || (m[1] === '' && m[2] === '')) return null; // malformed: ignore the header, send the whole file
    if (m[1] === '') {
      const suffix = Number(m[2]);
      if (suffix === 0) continue;
      ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(m[1]);
    const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start > end || start >= size) continue;
    ranges.push({ start, end });
  }
  return ranges.length === 0 ? 'unsatisfiable' : ranges;
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
