// Pure decisions of the download manager (table-tested): when downloading is allowed, how long to back off, which file
// first.

export { inDownloadHours, parseHours, type DownloadHours } from '../../shared/download-hours.ts';

/** Download retries use the shared backoff with its defaults (1 s → 30 s). */
export { backoffMs } from '../../shared/backoff.ts';

export type FileNeed = { sha256: string; lessonStarts: number[] };

/**
 * Next lessons first: a file's priority is its earliest lesson that has not ended yet (lessons last 45 min); files only
 * needed by past lessons (for review) come after all upcoming ones, newest past first.
 */
export function priorityOrder(files: FileNeed[], now: number, lessonLengthMs = 45 * 60_000): string[] {
  const key = (f: FileNeed) => {
    const upcoming = f.lessonStarts.filter((s) => s + lessonLengthMs > now);
    if (upcoming.length > 0) return Math.min(...upcoming);
    const past = f.lessonStarts.length ? Math.max(...f.lessonStarts) : 0;
    return Number.MAX_SAFE_INTEGER - past / 2; // after any upcoming, newest past first
  };
  return [...files].sort((a, b) => key(a) - key(b) || a.sha256.localeCompare(b.sha256)).map((f) => f.sha256);
}
