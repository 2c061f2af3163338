// Classroom-board figures: `ux.smallControls` counts the visible controls smaller than 48×48 px over every screen
// (tests/support/screen-tour.ts) at 1366×768 and 1920×1080 — must be 0; `ux.tourMs` is how long the whole walk took.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveRenderer } from '../scripts/serve-renderer.ts';
import { launchChromium } from '../tests/support/browser.ts';
import { startHubProcess } from '../tests/support/hub-process.ts';
import { freePort } from '../tests/support/ports.ts';
import { tourScreens } from '../tests/support/screen-tour.ts';
import { formatSmall, smallControls, type SmallControl } from '../tests/support/touch-targets.ts';

export async function run(): Promise<Record<string, number>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-ux-'));
  const hub = await startHubProcess({ port: await freePort(), dataDir, adminToken: 'bench-ux-admin-token-0123456789' });
  const renderer = await serveRenderer(await freePort());
  const browser = await launchChromium();
  try {
    const small: SmallControl[] = [];
    const started = performance.now();
    for (const [width, height] of [[1366, 768], [1920, 1080]] as const) {
      const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width, height } });
      const page = await context.newPage();
      await tourScreens(page, `${renderer.url}?hub=${encodeURIComponent(hub.url)}`, async (screen) => void small.push(...(await smallControls(page, screen))));
      await context.close();
    }
    if (small.length > 0) console.error(`ux: controls below 48 px:\n${formatSmall(small)}`);
    return { 'ux.smallControls': small.length, 'ux.tourMs': Math.round(performance.now() - started) };
  } finally {
    await browser.close();
    await renderer.close();
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
