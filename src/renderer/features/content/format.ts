// Small display helpers for content screens.

/** 83 → "1:23", 3723 → "1:02:03". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export const hoursText = (h: { start: number; end: number }) => {
  const f = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return `${f(h.start)}–${f(h.end)}`;
};

export type FileKind = 'video' | 'audio' | 'document' | 'image' | 'other';

/** What a teacher calls a file (视频, 文档, 图片), never its MIME type. */
export function fileKind(mime: string): FileKind {
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('image/')) return 'image';
  if (mime === 'application/pdf' || mime.startsWith('text/') || /word|excel|powerpoint|presentation|spreadsheet|document/.test(mime)) return 'document';
  return 'other';
}
