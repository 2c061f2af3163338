// The IT page's network test: round-trip time to the hub (median of a few /v1/health calls) and download throughput
// (a device-authorised probe of random bytes, sized up when the link is fast). Figures IT can read out on the phone.
import { HubPaths, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../shared/protocol.ts';
import { NET_PROBE_PATH } from '../../../shared/update-protocol.ts';

export type NetworkTestResult = { rttMs: number; rttSamples: number[]; throughputKbit: number; probeBytes: number };

export type NetworkTestDeps = { hubUrl: string; token: string; fetch: typeof fetch; clock: () => number; pings?: number };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export async function runNetworkTest({ hubUrl, token, fetch, clock, pings = 5 }: NetworkTestDeps): Promise<NetworkTestResult> {
  // Pings are simple GETs (no custom header, so no CORS preflight doubling the figure); the first one opens the
  // connection and is not counted, so the samples are request round trips, not TCP handshakes.
  const rttSamples: number[] = [];
  for (let i = 0; i <= pings; i++) {
    const start = clock();
    const res = await fetch(`${hubUrl}${HubPaths.health}`, { cache: 'no-store' });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`health answered ${res.status}`);
    if (i > 0) rttSamples.push(clock() - start);
  }
  const headers = { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), authorization: `Bearer ${token}` };
  // A 1-byte probe first: the browser's CORS preflight (authorization header) is then cached and not timed.
  await (await fetch(`${hubUrl}${NET_PROBE_PATH}?bytes=1`, { headers, cache: 'no-store' })).arrayBuffer();
  // Start small (a 1 Mbit/s village link needs ~1 s for 128 KB); go bigger until one probe takes 2 s, so TCP slow start
  // over a long round trip does not dominate the figure.
  let probeBytes = 128 * 1024;
  let elapsed = 0;
  for (;;) {
    const start = clock();
    const res = await fetch(`${hubUrl}${NET_PROBE_PATH}?bytes=${probeBytes}`, { headers, cache: 'no-store' });
    const received = (await res.arrayBuffer()).byteLength;
    if (!res.ok || received !== probeBytes) throw new Error(`probe answered ${res.status} with ${received} bytes`);
    elapsed = clock() - start;
    if (elapsed > 2000 || probeBytes >= 4 * 1024 * 1024) break;
    probeBytes *= 4;
  }
  const rttMs = median(rttSamples);
  // Subtract one round trip (request latency) so a slow link is not blamed on latency alone.
  const transferMs = Math.max(1, elapsed - rttMs);
  return { rttMs: Math.round(rttMs), rttSamples: rttSamples.map(Math.round), throughputKbit: Math.round((probeBytes * 8) / transferMs), probeBytes };
}
