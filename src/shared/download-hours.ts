// Download hours: the window (local time) in which content may use the link. One rule for the classroom's download
// manager and the school edge's prefetch.

/** Minutes after local midnight; a window may wrap midnight (22:00–06:00 is { start: 1320, end: 360 }). */
export type DownloadHours = { start: number; end: number };

export function inDownloadHours(now: Date, hours: DownloadHours | null): boolean {
  if (!hours || hours.start === hours.end) return true;
  const minute = now.getHours() * 60 + now.getMinutes();
  return hours.start < hours.end ? minute >= hours.start && minute < hours.end : minute >= hours.start || minute < hours.end;
}

export function parseHours(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}
