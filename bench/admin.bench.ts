// The IT page's network test on the emulated village link (1 Mbit/s, 300 ms RTT, stock CUBIC hub), run once the demo
// packs have downloaded, three times: the median round trip and download speed it reports. The e2e test checks only
// what the link makes certain (no faster than its delay, no more than its rate); how close it lands is measured here.
import { allContentCompleteInPage } from '../tests/support/content-page.ts';
import { TEST_IT_PIN } from '../tests/support/enroll-page.ts';
import { startAppOnWeakLink } from '../tests/support/app-on-weak-link.ts';
import { waitFor } from '../tests/support/ports.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function run(): Promise<Record<string, number>> {
  const app = await startAppOnWeakLink({ rateKbit: 1000, rttMs: 300, lossPct: 0 });
  try {
    const { page } = app;
    await waitFor(async () => ((await allContentCompleteInPage(page)) ? true : undefined), 'demo packs downloaded', 300_000, 500);
    await page.getByRole('button', { name: '管理员' }).click();
    await page.getByLabel('管理员密码').fill(TEST_IT_PIN);
    await page.getByRole('button', { name: '进入' }).click();
    const result = page.getByTestId('network-result');
    const rtts: number[] = [];
    const speeds: number[] = [];
    let previous = '';
    for (let i = 0; i < 3; i++) {
      await page.getByRole('button', { name: '开始网络测试' }).click();
      const text = await waitFor(async () => {
        const t = (await result.textContent()) ?? '';
        return t !== previous && /下载速度/.test(t) ? t : undefined;
      }, 'network test result', 90_000, 200);
      previous = text;
      rtts.push(Number(/往返时延 (\d+) 毫秒/.exec(text)?.[1]));
      speeds.push(Number(/下载速度 ([\d.]+) Mbit\/s/.exec(text)?.[1]));
    }
    console.error(`admin: network test ${rtts.join(', ')} ms; ${speeds.join(', ')} Mbit/s on a 1 Mbit/s, 300 ms link`);
    return { 'admin.networkTestRttMs': median(rtts), 'admin.networkTestMbit': median(speeds) };
  } finally {
    await app.close();
  }
}
