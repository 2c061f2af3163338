// The name rules as one table: every way Windows, exFAT, a URL decoder or a reader could be fooled, and the names that
// must stay allowed (Chinese, spaces inside, dots inside, a percent sign that decodes to nothing dangerous).
import { describe, expect, it } from 'vitest';
import { brokenNameRule, findNameClash, nameKey, visibleName, type NameRule } from './safe-names.ts';

const table: [string, string, NameRule | null][] = [
  ['a plain name', 'lesson.mp4', null],
  ['Chinese, in a folder', '练习/题目.txt', null],
  ['nested folders', 'a/b/c.pdf', null],
  ['a space and dots inside', '第 1 课.v2.pdf', null],
  ['a percent that is not an escape', '100%达标.pdf', null],
  ['an encoded space (harmless)', 'lesson%20one.mp4', null],
  ['a leading dot', '.hidden', null],
  ['COM10 is not a device', 'COM10.txt', null],
  ['CONSOLE is not CON', 'CONSOLE.pdf', null],
  ['empty', '', 'empty'],
  ['longer than 255', 'x'.repeat(256), 'too_long'],
  ['255 characters', 'a'.repeat(255), null],
  ['a lone high surrogate', 'a\uD800b', 'invalid_unicode'],
  ['a lone low surrogate', 'a\uDC00b', 'invalid_unicode'],
  ['NUL', 'a\0b', 'control_character'],
  ['a newline', 'a\nb', 'control_character'],
  ['DEL', 'a\u007Fb', 'control_character'],
  ['a C1 control (NEL)', 'a\u0085b', 'control_character'],
  ['a C1 control (CSI)', 'a\u009Bb', 'control_character'],
  ['right-to-left override', 'lesson\u202Efdp.exe', 'bidi_control'],
  ['left-to-right embedding', '\u202Aa.pdf', 'bidi_control'],
  ['right-to-left isolate', 'a\u2067b.pdf', 'bidi_control'],
  ['right-to-left mark', 'a\u200Fb.pdf', 'bidi_control'],
  ['Arabic letter mark', 'a\u061Cb.pdf', 'bidi_control'],
  ['zero-width space', 'le\u200Bsson.mp4', 'invisible_character'],
  ['byte order mark', '\uFEFFlesson.mp4', 'invisible_character'],
  ['soft hyphen', 'les\u00ADson.mp4', 'invisible_character'],
  ['a tag character', 'a\u{E0041}.pdf', 'invisible_character'],
  ['backslash traversal', '..\\x', 'backslash'],
  ['absolute', '/etc/passwd', 'absolute'],
  ['drive letter', 'C:/Windows/x', 'windows_reserved_character'],
  ['alternate data stream', 'a.pdf:evil.exe', 'windows_reserved_character'],
  ['a question mark', 'why?.pdf', 'windows_reserved_character'],
  ['a pipe', 'a|b.pdf', 'windows_reserved_character'],
  ['percent-encoded dot-dot', '%2e%2e/x', 'percent_encoded'],
  ['percent-encoded dot, upper case', '%2E%2E/x', 'percent_encoded'],
  ['percent-encoded slash', 'a%2fb', 'percent_encoded'],
  ['percent-encoded backslash', 'a%5Cb', 'percent_encoded'],
  ['double encoding', '%252e%252e/x', 'percent_encoded'],
  ['percent-encoded NUL', 'a%00.pdf', 'percent_encoded'],
  ['dot-dot', '..', 'dot_segment'],
  ['traversal', '../etc/passwd', 'dot_segment'],
  ['traversal inside', 'a/../../b', 'dot_segment'],
  ['empty segment', 'a//b', 'dot_segment'],
  ['dot segment', './a', 'dot_segment'],
  ['three dots', '.../a', 'dot_segment'],
  ['three dots at the end', 'a/...', 'dot_segment'],
  ['a trailing slash', 'a/', 'dot_segment'],
  ['trailing dot', 'lesson.pdf.', 'trailing_dot_or_space'],
  ['trailing space', 'lesson.pdf ', 'trailing_dot_or_space'],
  ['trailing space on a folder', 'video /a.mp4', 'trailing_dot_or_space'],
  ['CON', 'CON', 'reserved_device_name'],
  ['con, lower case', 'con', 'reserved_device_name'],
  ['NUL.txt', 'NUL.txt', 'reserved_device_name'],
  ['nul.tar.gz', 'nul.tar.gz', 'reserved_device_name'],
  ['COM1 in a folder', 'a/COM1.mp4', 'reserved_device_name'],
  ['LPT9', 'LPT9', 'reserved_device_name'],
  ['COM superscript one', 'COM\u00B9.txt', 'reserved_device_name'],
  ['a device name as a folder', 'AUX/a.pdf', 'reserved_device_name'],
  ['a device name with a space before the dot', 'PRN .txt', 'reserved_device_name'],
  ['CONIN$', 'CONIN$', 'reserved_device_name'],
];

describe('brokenNameRule (names from the hub, a USB stick, a LAN share, an ingested folder)', () => {
  it.each(table)('%s: %j → %s', (_what, path, rule) => {
    expect(brokenNameRule(path)).toBe(rule);
  });
});

describe('visibleName (a name shown in a refusal)', () => {
  it.each([
    ['lesson\u202Efdp.exe', 'lesson\\u{202E}fdp.exe'],
    ['a\u0085b\u200Bc', 'a\\u{0085}b\\u{200B}c'],
    ['a\uD800b', 'a\\u{D800}b'],
    ['tag\u{E0041}', 'tag\\u{E0041}'],
    ['练习/题目.txt', '练习/题目.txt'],
  ])('%j is shown as %s', (name, shown) => {
    expect(visibleName(name)).toBe(shown);
  });
});

describe('nameKey and findNameClash (as NTFS and exFAT compare names)', () => {
  it.each([
    ['é precomposed and decomposed', 'caf\u00E9.pdf', 'cafe\u0301.pdf'],
    ['letter case', 'Lesson.MP4', 'lesson.mp4'],
    ['final and medial sigma', 'ΟΔΟΣ.pdf', 'οδος.pdf'],
    ['ς and σ', 'οδος.pdf', 'οδοσ.pdf'],
    ['ß and ss', 'straße.pdf', 'STRASSE.pdf'],
    ['ligature ﬁ and fi', 'ﬁle.pdf', 'FILE.pdf'],
    ['Greek capital with tonos, decomposed', '\u0386.pdf', '\u0391\u0301.pdf'],
  ])('%s are the same name', (_what, a, b) => {
    expect(nameKey(a)).toBe(nameKey(b));
    expect(findNameClash([a, b])).toEqual({ path: b, other: a });
  });

  it('keeps different names apart', () => {
    expect(findNameClash(['a.pdf', 'b.pdf', 'video/a.mp4', '练习/题目.txt', 'Video/b.mp4'])).toBeNull();
  });

  it('finds a file named like another path’s folder, in either order', () => {
    expect(findNameClash(['video', 'Video/a.mp4'])).toEqual({ path: 'Video/a.mp4', other: 'video' });
    expect(findNameClash(['Video/a.mp4', 'VIDEO'])).toEqual({ path: 'VIDEO', other: 'Video/a.mp4' });
  });
});
