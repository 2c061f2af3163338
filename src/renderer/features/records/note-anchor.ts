import type { TFunction } from 'i18next';
import type { NoteAnchor } from '../../../shared/protocol.ts';

export type AnchorKind = NoteAnchor['kind'];

/** Reads what the teacher typed: "12:30" for a video time, a page number, or a section name. */
export function parseAnchor(kind: AnchorKind, input: string): NoteAnchor | null {
  const text = input.trim();
  if (kind === 'time') {
    const m = /^(\d{1,3}):([0-5]\d)$/.exec(text) ?? /^(\d{1,3})$/.exec(text);
    if (!m) return null;
    return { kind, seconds: Number(m[1]) * 60 + Number(m[2] ?? 0) };
  }
  if (kind === 'page') return /^\d{1,4}$/.test(text) && Number(text) >= 1 ? { kind, page: Number(text) } : null;
  return text.length >= 1 && text.length <= 100 ? { kind, section: text } : null;
}

export function anchorLabel(anchor: NoteAnchor, t: TFunction): string {
  switch (anchor.kind) {
    case 'time':
      return t('records.anchorAt.time', { time: `${Math.floor(anchor.seconds / 60)}:${String(Math.floor(anchor.seconds % 60)).padStart(2, '0')}` });
    case 'page':
      return t('records.anchorAt.page', { page: anchor.page });
    case 'section':
      return t('records.anchorAt.section', { section: anchor.section });
  }
}
