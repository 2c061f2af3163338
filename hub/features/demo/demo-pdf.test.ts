// The demo handout is real Chinese text in a PDF that pdf.js (the app's viewer, here its Node build) reads with no
// font of its own: the CJK glyphs used are embedded as a subset.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { demoHandouts } from './demo-handouts.ts';
import { findCjkFont, handoutPdf } from './demo-pdf.ts';

const font = findCjkFont();

describe.skipIf(!font)(`demo handout PDF${font ? '' : ' (skipped: no Noto Sans CJK; apt-get install fonts-noto-cjk)'}`, () => {
  it('embeds a subset of Noto Sans CJK, small enough for a village link, and pdf.js extracts the Chinese text', async () => {
    const handout = demoHandouts['数学'];
    if (!handout || !font) throw new Error('no handout');
    const pdf = await handoutPdf(handout, font);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeLessThan(150_000); // a subset, not the 20 MB collection
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/FontFile[23]? /); // the glyphs travel with the document
    expect(raw).toContain('NotoSansCJKsc-Regular');

    const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, disableFontFace: true }).promise;
    expect(doc.numPages).toBe(1);
    const content = await (await doc.getPage(1)).getTextContent();
    const text = content.items.map((i) => ('str' in i ? i.str : '')).join('');
    expect(text).toContain('数学预习讲义：有理数的运算');
    expect(text).toContain('同号两数相加');
    await doc.destroy();
  });

  it('makes the same bytes from the same text (fixed dates), so a restarted demo does not change its packs', async () => {
    const handout = demoHandouts['语文'];
    if (!handout || !font) throw new Error('no handout');
    expect((await handoutPdf(handout, font)).equals(await handoutPdf(handout, font))).toBe(true);
  });

  it('has a handout in Chinese for every demo subject, with full-width punctuation', () => {
    for (const [subject, h] of Object.entries(demoHandouts)) {
      expect(h.title.startsWith(subject)).toBe(true);
      const chinese = [h.title, ...h.sections.flatMap((s) => [s.heading, ...s.lines])].filter((l) => /[\u4e00-\u9fff]/.test(l) && !/[A-Za-z]{3,}/.test(l));
      for (const line of chinese) expect(line, line).not.toMatch(/[\u4e00-\u9fff][,:;?!()]|[,:;?!()][\u4e00-\u9fff]/);
    }
  });
});
