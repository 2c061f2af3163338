// File names that come from outside — a hub manifest, a USB stick, a LAN share, a folder the hub ingests. A name is
// later written to disk (export onto an NTFS or exFAT stick), shown to a teacher, and compared with other names, so it is
// refused when Windows would change or refuse it, when it could point somewhere else once decoded, or when it could
// make a person read something it is not (`lesson\u202Efdp.exe` shows as "lessonexe.pdf"). One module for the
// classroom's import and the hub's ingest, so both apply the same rules.

export const NAME_RULES = [
  'empty',
  'too_long',
  'invalid_unicode',
  'control_character',
  'bidi_control',
  'invisible_character',
  'backslash',
  'absolute',
  'windows_reserved_character',
  'percent_encoded',
  'dot_segment',
  'trailing_dot_or_space',
  'reserved_device_name',
] as const;
export type NameRule = (typeof NAME_RULES)[number];

/** Whole relative path, in UTF-16 units (so also every segment within NTFS's and exFAT's 255): leaves room under
 * Windows' 260 for the folder a pack is exported into. */
export const MAX_PATH_LENGTH = 255;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// C0, DEL and C1: never part of a name a person typed; C1 (U+0080–U+009F) survives many decoders unseen.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
// Reorder what is displayed: Arabic letter mark, LRM/RLM, embeddings and overrides (U+202A–U+202E), isolates.
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
// Draw nothing, so two different names look the same: soft hyphen, Mongolian vowel separator, zero-width
// space/joiners, word joiner and invisible operators, BOM, Hangul fillers, interlinear annotation, tag characters.
const INVISIBLE = /[\u00AD\u115F\u1160\u180E\u200B-\u200D\u2060-\u2064\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]|[\u{E0000}-\u{E007F}]/u;
// Windows refuses these in a name; ':' would even open an NTFS alternate data stream.
const WINDOWS_RESERVED = /[<>:"|?*]/;
// A name that a URL decoder (a LAN share served over HTTP, a file:// URL) would turn into a dot, a separator, a
// percent sign (double encoding) or a control character.
const PERCENT_ENCODED = /%(?:2e|2f|5c|25|[01][0-9a-f]|7f)/i;
// DOS device names, reserved in every folder and with any extension (NUL.txt is the null device); superscript digits
// count as digits to Windows.
const DEVICE = /^(?:CON|PRN|AUX|NUL|COM[0-9\u00B9\u00B2\u00B3]|LPT[0-9\u00B9\u00B2\u00B3]|CONIN\$|CONOUT\$)$/i;

function segmentRule(segment: string): NameRule | null {
  if (/^\.*$/.test(segment)) return 'dot_segment'; // '', '.', '..', and '...' (Windows strips trailing dots → '')
  if (/[. ]$/.test(segment)) return 'trailing_dot_or_space'; // Windows drops them: "a.pdf." becomes "a.pdf"
  const base = segment.split('.')[0]?.trimEnd() ?? '';
  if (DEVICE.test(base)) return 'reserved_device_name';
  return null;
}

/** The first rule a relative path breaks, or null when it is safe to store, show and export. Pure. */
export function brokenNameRule(path: string): NameRule | null {
  if (path.length === 0) return 'empty';
  if (path.length > MAX_PATH_LENGTH) return 'too_long';
  if (LONE_SURROGATE.test(path)) return 'invalid_unicode';
  if (CONTROL.test(path)) return 'control_character';
  if (BIDI.test(path)) return 'bidi_control';
  if (INVISIBLE.test(path)) return 'invisible_character';
  if (path.includes('\\')) return 'backslash';
  if (path.startsWith('/')) return 'absolute';
  if (WINDOWS_RESERVED.test(path)) return 'windows_reserved_character';
  if (PERCENT_ENCODED.test(path)) return 'percent_encoded';
  for (const segment of path.split('/')) {
    const rule = segmentRule(segment);
    if (rule) return rule;
  }
  return null;
}

const UNSHOWABLE = new RegExp(`${CONTROL.source}|${BIDI.source}|${INVISIBLE.source}|${LONE_SURROGATE.source}`, 'gu');

/** A name as it may be shown in a message: every character that would hide or reorder text written out as \u{…}, so a
 * refusal never displays the very trick it refuses. */
export function visibleName(name: string): string {
  return name.replace(UNSHOWABLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}}`);
}

/**
 * The key under which two names are the same file: Unicode NFC (é precomposed or e + U+0301) and full case folding,
 * approximated as upper- then lower-casing (ß → ss, ﬁ → fi, İ → i̇), with final sigma folded (ς → σ). NTFS and exFAT
 * compare with an upper-case table; folding fully is stricter, so whatever they would merge is also caught here.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC').replace(/ς/g, 'σ');
}

/**
 * Two paths that a case-insensitive, normalising file system would put in one place: the same file twice, or a file
 * with the name of another path's folder. Null when there is none.
 */
export function findNameClash(paths: readonly string[]): { path: string; other: string } | null {
  const files = new Map<string, string>();
  const folders = new Map<string, string>();
  for (const path of paths) {
    const key = nameKey(path);
    const same = files.get(key) ?? folders.get(key);
    if (same !== undefined) return { path, other: same };
    files.set(key, path);
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const folderKey = nameKey(segments.slice(0, i).join('/'));
      const file = files.get(folderKey);
      if (file !== undefined) return { path, other: file };
      if (!folders.has(folderKey)) folders.set(folderKey, path);
    }
  }
  return null;
}
