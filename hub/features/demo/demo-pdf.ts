// The demo 预习包 handouts: one-page Chinese PDFs made with PDFKit (well kept; its fontkit subsets CID-keyed CFF fonts
// correctly, which pdf-lib's old fontkit fork does not) from Debian's fonts-noto-cjk. Only the glyphs used are
// embedded (a subset of Noto Sans CJK SC, tens of KB), so the classroom PC renders the handout in pdf.js with no font
// of its own and no network.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';

/** Where Debian (fonts-noto-cjk) and other distributions put Noto Sans CJK; HUB_DEMO_FONT overrides. */
const FONT_CANDIDATES = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
];

export type CjkFont = { path: string; family?: string };

/** The CJK font to embed, or null when none is installed (`apt-get install fonts-noto-cjk`). */
export function findCjkFont(env: NodeJS.ProcessEnv = process.env): CjkFont | null {
  if (env.HUB_DEMO_FONT) return existsSync(env.HUB_DEMO_FONT) ? { path: env.HUB_DEMO_FONT } : null;
  return FONT_CANDIDATES.find((f) => existsSync(f.path)) ?? null;
}

export type Handout = { title: string; sections: { heading: string; lines: string[] }[] };

/** A one-page A4 handout: title, then headed sections; fixed dates so the same text makes the same bytes. */
export function handoutPdf(handout: Handout, font: CjkFont): Promise<Buffer> {
  const fixed = new Date('2026-09-01T00:00:00Z');
  const doc = new PDFDocument({ size: 'A4', margin: 64, info: { Title: handout.title, Author: '成都七中（引领学校）', CreationDate: fixed, ModDate: fixed } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.path, font.family);
  doc.font('cjk');
  doc.fillColor('#1565c0').fontSize(26).text(handout.title);
  doc.moveDown(0.4).lineWidth(3).strokeColor('#f29a12').moveTo(64, doc.y).lineTo(531, doc.y).stroke();
  doc.fillColor('#1d2733');
  for (const section of handout.sections) {
    doc.moveDown(0.9).fontSize(18).text(section.heading);
    doc.moveDown(0.3).fontSize(14);
    for (const line of section.lines) doc.text(line, { lineGap: 6 });
  }
  doc.end();
  return done;
}
