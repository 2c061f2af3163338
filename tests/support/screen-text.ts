// Two checks the screen tour makes on every screen (issue #21): a form's primary action is on screen without scrolling
// (注册本机 below the fold of a 1366×768 PC was the case), and a zh-CN screen shows no Latin word to a teacher ("PIN"
// was the last one; what is allowed: src/renderer/i18n/latin-words.ts). Course content is not the app's wording: an
// English lesson's title is English, so the caller names the content to leave out.
import type { Page } from 'playwright-core';
import { latinWordsIn } from '../../src/renderer/i18n/latin-words.ts';

export type ScreenFinding = { screen: string; viewport: string; what: string };

const viewportName = (page: Page) => {
  const v = page.viewportSize();
  return v ? `${v.width}×${v.height}` : '?';
};

/** Every Latin word in the visible text, placeholders and accessible names of the page, `content` taken out. */
export async function latinWords(page: Page, screen: string, content: RegExp[] = []): Promise<ScreenFinding[]> {
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
  const wording = (text: string) => content.reduce((rest, pattern) => rest.replace(pattern, ' '), text);
  return texts.flatMap((text) => latinWordsIn(wording(text)).map((word) => ({ screen, viewport, what: `"${word}" in "${text.trim().slice(0, 60)}"` })));
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
