// Touch targets on a classroom board: every visible control (buttons, links, inputs, selects, checkboxes, tabs, rows
// acting as buttons, <summary>) must be at least 48×48 CSS px. Measured in the real page with getBoundingClientRect,
// so whatever the CSS says, the box a finger has to hit is what counts.
import type { Page } from 'playwright-core';

export const MIN_TARGET_PX = 48;

export type SmallControl = { screen: string; viewport: string; control: string; width: number; height: number };

const INTERACTIVE = [
  'button',
  'a[href]',
  'input:not([type=hidden])',
  'select',
  'textarea',
  'summary',
  'label.button-like',
  '[role=button]',
  '[role=tab]',
  '[role=radio]',
  '[role=checkbox]',
  '[role=link]',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

/** Every visible interactive element on the page smaller than `min` px in width or height. */
export async function smallControls(page: Page, screen: string, min = MIN_TARGET_PX): Promise<SmallControl[]> {
  const viewport = page.viewportSize();
  const found = await page.evaluate(
    ({ selector, min }) =>
      [...document.querySelectorAll<HTMLElement>(selector)]
        .filter((el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }))
        .map((el) => {
          const box = el.getBoundingClientRect();
          const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
          return { control: `<${el.tagName.toLowerCase()}${el.className ? ` class="${String(el.className)}"` : ''}${el.getAttribute('type') ? ` type=${el.getAttribute('type')}` : ''}> ${name}`, width: Math.round(box.width * 10) / 10, height: Math.round(box.height * 10) / 10 };
        })
        .filter((c) => c.width > 0 && c.height > 0 && (c.width < min || c.height < min)),
    { selector: INTERACTIVE, min },
  );
  return found.map((c) => ({ ...c, screen, viewport: viewport ? `${viewport.width}×${viewport.height}` : '?' }));
}

export const formatSmall = (list: SmallControl[]) => list.map((c) => `${c.viewport} ${c.screen}: ${c.control} is ${c.width}×${c.height}`).join('\n');
