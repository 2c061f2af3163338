// Self-test of the weak-network harness: the link delivers the RTT, rate and loss it was asked for, cut() really cuts,
// Chromium runs inside the client namespace, and nothing is left behind.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleLinks } from './cleanup-stale.ts';
import { chromiumWrapper, createWeakLink, namespaceExists, weakLinkSupported, type WeakLink } from './weak-link.ts';

const SHAPE = { rateKbit: 2000, rttMs: 300, lossPct: 3 };
const FRAME_OVERHEAD = 14 + 20 + 8; // Ethernet + IPv4 + UDP headers: the relay's rate counts whole frames
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

type Side = 'hub' | 'client';
type SinkReport = { count: number; bytes: number; firstMs: number; lastMs: number; nowMs: number };

describe.skipIf(!weakLinkSupported())('weak link', () => {
  let link: WeakLink;

  const probe = (side: Side, ...args: (string | number)[]): ChildProcess => {
    const spawnIn = side === 'hub' ? link.spawnInHub : link.spawnInClient;
    return spawnIn(process.execPath, ['--import', 'tsx', 'tests/net/probe.ts', ...args.map(String)], { cwd: repoRoot });
  };
  /** Resolves with the child's first stdout line (servers print "ready"; clients print their JSON result). */
  const firstLine = async (child: ChildProcess): Promise<string> => {
    if (!child.stdout) throw new Error('no stdout');
    const lines = createInterface({ input: child.stdout });
    const [line] = (await Promise.race([
      once(lines, 'line'),
      once(child, 'exit').then(([code]) => Promise.reject(new Error(`probe exited with ${String(code)}`))),
    ])) as [string];
    return line;
  };
  const server = async (side: Side, ...args: (string | number)[]) => {
    const child = probe(side, ...args);
    expect(await firstLine(child)).toBe('ready');
    return child;
  };
  const run = async <T,>(side: Side, ...args: (string | number)[]): Promise<T> => JSON.parse(await firstLine(probe(side, ...args))) as T;
  const report = async (sink: ChildProcess, command: 'report' | 'peek' = 'report'): Promise<SinkReport> => {
    const line = firstLine(sink);
    sink.stdin?.write(`${command}\n`);
    return JSON.parse(await line) as SinkReport;
  };
  /** The sink's figures once nothing has reached it for longer than a round trip since this call: what the link had
   *  queued has drained (a condition on the sink's own clock, bounded, instead of a fixed pause before asserting). */
  const drainedReport = async (sink: ChildProcess, quietMs = SHAPE.rttMs + 300, timeoutMs = 20_000): Promise<SinkReport> => {
    const from = (await report(sink, 'peek')).nowMs;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await report(sink, 'peek');
      if (r.nowMs - Math.max(from, r.lastMs) >= quietMs) return report(sink);
      if (Date.now() > deadline) throw new Error(`the link never went quiet: ${JSON.stringify(r)}`);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the poll's pace, not a wait before asserting
    }
  };

  beforeAll(async () => {
    link = await createWeakLink(SHAPE);
  });
  afterAll(async () => {
    await link?.close();
  });

  it('delays round trips by rttMs', async () => {
    expect((await link.execInClient('ip', ['-4', '-o', 'addr', 'show', 'wl0'])).stdout).toContain(`${link.clientIp}/24`);
    await server('hub', 'udp-echo', link.hubIp, 7000);
    const { sent, rtts } = await run<{ sent: number; rtts: number[] }>('client', 'udp-ping', link.hubIp, 7000, 20, 50);
    const sorted = rtts.toSorted((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    console.log(`RTT: median ${median.toFixed(1)} ms, min ${sorted[0]?.toFixed(1)}, max ${sorted.at(-1)?.toFixed(1)} (${rtts.length}/${sent} replies)`);
    expect(rtts.length).toBeGreaterThanOrEqual(15);
    expect(median).toBeGreaterThan(SHAPE.rttMs * 0.75);
    expect(median).toBeLessThan(SHAPE.rttMs * 1.25);
  });

  it('limits the rate to rateKbit', async () => {
    // Offer twice the rate for ~3 s; what comes out of the bottleneck is the link rate.
    const size = 1200;
    const sink = await server('client', 'udp-sink', link.clientIp, 7001);
    await run('hub', 'udp-blast', link.clientIp, 7001, 1250, size, SHAPE.rateKbit * 2);
    const r = await drainedReport(sink);
    const kbit = ((r.count - 1) * (size + FRAME_OVERHEAD) * 8) / (r.lastMs - r.firstMs);
    console.log(`rate: ${kbit.toFixed(0)} kbit/s on the wire (${r.count} datagrams in ${(r.lastMs - r.firstMs).toFixed(0)} ms)`);
    expect(kbit / SHAPE.rateKbit).toBeGreaterThan(0.6);
    expect(kbit / SHAPE.rateKbit).toBeLessThan(1.1);

  });

  it('pins each side\'s TCP congestion control, and counts the TCP bytes it delivers once each', async () => {
    const sysctlIn = async (side: Side) =>
      (await (side === 'hub' ? link.execInHub : link.execInClient)('sysctl', ['-n', 'net.ipv4.tcp_congestion_control'])).stdout.trim();
    expect(link.congestion).toEqual({ hub: 'cubic', client: 'cubic' }); // the default: a stock server, a Windows PC
    expect(await sysctlIn('hub')).toBe('cubic');
    expect(await sysctlIn('client')).toBe('cubic');
    // For the record: what TCP makes of this long lossy link, one stream versus 8, with each sender's algorithm.
    let port = 7002;
    for (const cc of ['cubic', 'bbr'] as const) {
      await link.setCongestion('hub', cc);
      expect(await sysctlIn('hub')).toBe(cc);
      for (const streams of [1, 8]) {
        await server('hub', 'tcp-source', link.hubIp, port, 1 << 17);
        const before = await link.tcpPayloadBytes();
        const fetched = await run<{ bytes: number; ms: number }>('client', 'tcp-fetch', link.hubIp, port++, streams);
        const after = await link.tcpPayloadBytes();
        console.log(`TCP goodput, ${cc} sender, ${streams} × 128 KiB: ${((fetched.bytes * 8) / fetched.ms).toFixed(0)} kbit/s in ${fetched.ms.toFixed(0)} ms`);
        expect(fetched.bytes).toBe(streams << 17);
        // Retransmissions (3 % loss) are not counted twice: the bytes the link carried once each equal the payload.
        expect(after.toClient - before.toClient).toBe(streams << 17);
      }
    }
    await link.setCongestion('hub', 'cubic');
  });

  it('drops lossPct of the datagrams', async () => {
    const sink = await server('hub', 'udp-sink', link.hubIp, 7003);
    await run('client', 'udp-blast', link.hubIp, 7003, 1000, 100, 800); // well below the rate: only random loss
    const { count } = await drainedReport(sink);
    const lossPct = (100 * (1000 - count)) / 1000;
    console.log(`loss: ${lossPct.toFixed(1)} % (${count}/1000 datagrams arrived)`);
    expect(lossPct).toBeGreaterThan(1);
    expect(lossPct).toBeLessThan(6);
  });

  it('cut() stops all traffic until restore()', async () => {
    const sink = await server('hub', 'udp-sink', link.hubIp, 7004);
    await link.cut();
    await run('client', 'udp-blast', link.hubIp, 7004, 100, 100, 400);
    const during = await drainedReport(sink);
    await server('hub', 'udp-echo', link.hubIp, 7005);
    await link.restore();
    const after = await run<{ sent: number; rtts: number[] }>('client', 'udp-ping', link.hubIp, 7005, 20, 50);
    console.log(`cut: ${during.count}/100 datagrams passed during the cut; ${after.rtts.length}/20 pings answered after restore`);
    expect(during.count).toBe(0);
    expect(after.rtts.length).toBeGreaterThanOrEqual(14);
  });

  it.skipIf(!existsSync('/usr/bin/chromium'))('runs Chromium inside the client namespace', async () => {
    const http = link.spawnInHub('python3', ['-m', 'http.server', '--bind', link.hubIp, '8080'], { cwd: fileURLToPath(new URL('.', import.meta.url)) });
    const browser = await chromium.launch({
      executablePath: chromiumWrapper(link),
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      // The server needs a moment to bind; retry over the slow link a bounded number of times.
      let ok = false;
      for (let attempt = 0; attempt < 20 && !ok; attempt++) {
        ok = (await page.goto(`http://${link.hubIp}:8080/README.md`).catch(() => null))?.ok() ?? false;
        if (!ok) await new Promise((r) => setTimeout(r, 250));
      }
      expect(ok).toBe(true);
      expect(await page.textContent('body')).toContain('weak');
      // hubIp is routable only from the client namespace, and the request itself took a round trip of the link.
      const waitMs = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        return nav ? nav.responseStart - nav.requestStart : NaN;
      });
      console.log(`Chromium in ${link.clientNs}: page from the hub namespace, request→first byte ${waitMs.toFixed(0)} ms`);
      expect(waitMs).toBeGreaterThan(SHAPE.rttMs * 0.75);
    } finally {
      await browser.close();
      http.kill();
    }
  });

  it('removeStaleLinks() deletes namespaces whose owner is gone', () => {
    const orphan = `ykt-h-${Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0')}`;
    execFileSync('ip', ['netns', 'add', orphan]); // no owner record, as after a SIGKILLed run
    expect(removeStaleLinks()).toContain(orphan);
    expect(namespaceExists(orphan)).toBe(false);
    expect(namespaceExists(link.hubNs)).toBe(true); // a live link is never taken
  });

  it('a killed owner leaves nothing behind: SIGTERM cleans up at once, SIGKILL at the next removeStaleLinks()', async () => {
    const script = "import { createWeakLink } from './tests/net/weak-link.ts'; const l = await createWeakLink(); console.log(l.hubNs, l.clientNs); setInterval(() => {}, 1000);";
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot });
      const namespaces = (await firstLine(owner)).split(' ');
      expect(namespaces.every(namespaceExists)).toBe(true);
      const exited = once(owner, 'exit');
      owner.kill(signal);
      await exited;
      if (signal === 'SIGKILL') expect(removeStaleLinks().toSorted()).toEqual(namespaces.toSorted());
      expect(namespaces.some(namespaceExists)).toBe(false);
    }
  });

  it('close() removes both namespaces and is idempotent', async () => {
    await link.close();
    await link.close();
    expect(namespaceExists(link.hubNs)).toBe(false);
    expect(namespaceExists(link.clientNs)).toBe(false);
  });
});
