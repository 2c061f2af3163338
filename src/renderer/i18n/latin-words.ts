// "No Latin word on a zh-CN screen" (issue #21: "PIN" was the last one a teacher had to puzzle over). Addresses, file
// names, version numbers, ids, codes typed from a sheet and unit symbols are not words a teacher has to understand, so
// they are allowed; anything else Latin is reported. Used on the zh-CN catalogue (a unit test) and on every screen of the
// e2e tour. Pure.

/** What a zh-CN text may contain in Latin letters, and why. */
export const LATIN_ALLOWED: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /\bhttps?:\/\/\S*/g, why: 'a hub address (or its scheme)' },
  { pattern: /\S*\.(?:pdf|mp4|webm|mkv|png|jpe?g|zip|docx?|pptx?|xlsx?|txt|json|ya?ml)\b/gi, why: 'a file name' },
  { pattern: /\bv?\d+(?:\.\d+){1,3}(?:-[\w.]+)?\b/g, why: 'a version number' },
  { pattern: /\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b/g, why: 'a code typed from a sheet (注册码 DEMO-ZJ-1), SHA-256' },
  { pattern: /\b[a-z]+_[0-9a-z]+\b/g, why: 'an id read out to support (dev_…)' },
  { pattern: /\b[0-9a-f]{8,}\b/gi, why: 'a hash' },
  { pattern: /\{\{\w+\}\}/g, why: 'a placeholder filled in on screen' },
  { pattern: /\b(?:kbps|Mbps|kbit\/s|Mbit\/s|KB|MB|GB|TB|ms|fps|px|UDP|TCP|IP|USB|LAN|Wi-?Fi|Electron|Chromium|Windows|Unicode)\b/g, why: 'a unit, protocol, product or standard name' },
  { pattern: /\b(?:CON|PRN|AUX|NUL|COM\d|LPT\d)\b/g, why: "Windows' reserved file names, quoted literally" },
  { pattern: /^EN$/g, why: 'the switch to English, in English' },
];

/** Latin words left in a piece of zh-CN text once the allowed forms are taken out. */
export function latinWordsIn(text: string): string[] {
  let rest = text.trim();
  for (const { pattern } of LATIN_ALLOWED) rest = rest.replace(pattern, ' ');
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}
