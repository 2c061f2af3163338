// Two checks the screen tour makes on every screen (issue #21): a form's primary action is on screen without scrolling
// (注册本机 below the fold of a 1366×768 PC was the case), and a zh-CN screen shows no Latin word to a teacher ("PIN"
// was the last one). Addresses, file names, version numbers, codes typed from a sheet and unit symbols are not words a
// teacher has to understand, so they are allowed; everything else Latin is reported with the screen it was on.
import type { Page } from 'playwright-core';

export type ScreenFinding = { screen: string; viewport: string; what: string };

/** What a zh-CN screen may show in Latin letters, and why. */
const ALLOWED: { pattern: RegExp; why: string }[] = [
  { pattern: /\bhttps?:\/\/\S+/g, why: 'a hub address' },
  { pattern: /[\w.-]+\.(?:pdf|mp4|webm|mkv|png|jpe?g|zip|docx?|pptx?|xlsx?|txt|json|yml|zh|ykt)\b/gi, why: 'a file name' },
  { pattern: /\bv?\d+(?:\.\d+){1,3}(?:-[\w.]+)?\b/g, why: 'a version number' },
  { pattern: /\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b/g, why: 'a code typed from a sheet (注册码 DEMO-ZJ-1)' },
  { pattern: /\b[0-9a-f]{8,}\b/gi, why: 'a hash or an id read out to support' },
  { pattern: /\b(?:kbps|Mbps|kbit\/s|Mbit\/s|KB|MB|GB|TB|ms|fps|px|UDP|TCP|IP)\b/g, why: 'a unit or protocol symbol' },
  { pattern: /^EN$/g, why: 'the switch to English, in English' },
];

/** Latin words left in a piece of zh-CN screen text once the allowed forms are taken out. */
export function latinWordsIn(text: string): string[] {
  let rest = text.trim();
  for (const { pattern } of ALLOWED) rest = rest.replace(pattern, ' ');
  return rest.match(/[A-Za-z]{2,}/g) ?? [];
}

const viewportName = (page: Page) => {
  const v = page.viewportSize();
  return v ? `${v.width}×${v.height}` : '?';
};

/** Every Latin word in the visible text, placeholders and accessible names of the page. */
export async function latinWords(page: Page, screen: string): Promise<ScreenFinding[]> {
  const texts = await page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || !node.textContent?.trim()) continue;
      if (!parent.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      out.push(node.textContent);
    }
    for (const el of document.querySelectorAll<HTMLElement>('[placeholder], [aria-label], [title]')) {
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      for (const attr of ['placeholder', 'aria-label', 'title']) {
        const value = el.getAttribute(attr);
        if (value) out.push(value);
      }
    }
    return out;
  });
  const viewport = viewportName(page);
  return texts.flatMap((text) => latinWordsIn(text).map((word) => ({ screen, viewport, what: `"${word}" in "${text.trim().slice(0, 60)}"` })));
}

/** Forms that begin on screen (at the top of the page) but whose primary action (the submit button, else the .primary
 *  button) lies outside it: filled in and then not sendable without scrolling. A form that begins further down a long
 *  page (the 管理员 sections) is scrolled to as a whole. */
export async function primaryActionsOutOfView(page: Page, screen: string): Promise<ScreenFinding[]> {
  const found = await page.evaluate(() => {
    window.scrollTo(0, 0);
    const out: string[] = [];
    for (const form of document.querySelectorAll('form')) {
      if (!form.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      const action = form.querySelector<HTMLElement>('button[type=submit], button.primary');
      if (!action || form.getBoundingClientRect().top >= window.innerHeight) continue;
      const box = action.getBoundingClientRect();
      const inside = box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
      if (!inside) out.push(`${(action.textContent ?? '').trim()} at ${Math.round(box.left)},${Math.round(box.top)}–${Math.round(box.bottom)} (viewport ${window.innerWidth}×${window.innerHeight})`);
    }
    return out;
  });
  const viewport = viewportName(page);
  return found.map((what) => ({ screen, viewport, what }));
}

export const formatFindings = (list: ScreenFinding[]) => list.map((f) => `${f.viewport} ${f.screen}: ${f.what}`).join('\n');
