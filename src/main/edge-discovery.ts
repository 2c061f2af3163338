// Finds school edges on the LAN by DNS-SD (`_ykt-edge._tcp`, bonjour-service: pure JS multicast DNS, no system daemon
// needed on Windows). Announcements are untrusted LAN input: each is parsed (an http URL from its IPv4 address and
// port, a school id from TXT) and dropped if it does not fit. Finding an edge proves nothing — the edge still has to
// be enrolled by the county, which authorises every classroom — so a forged announcement can at most be tried and
// refused (`wrong_school`, or no answer) before the classroom falls back to the county hub.
import { Bonjour, type Browser, type Service } from 'bonjour-service';
import { DiscoveredEdge, EDGE_SERVICE_TYPE } from '../shared/edge-protocol.ts';

export type EdgeDiscovery = { discover(): Promise<DiscoveredEdge[]>; close(): void };

/** One announcement → an edge, or null when it is not one we can use. */
export function edgeFromService(service: Pick<Service, 'name' | 'port' | 'addresses' | 'txt' | 'referer'>): DiscoveredEdge | null {
  const ipv4 = [...(service.addresses ?? []), service.referer?.address ?? ''].find((a) => /^\d{1,3}(\.\d{1,3}){3}$/.test(a));
  const txt = service.txt as Record<string, unknown> | undefined;
  const parsed = DiscoveredEdge.safeParse({ url: ipv4 ? `http://${ipv4}:${service.port}` : '', schoolId: txt?.school, name: String(service.name).slice(0, 100) });
  return parsed.success ? parsed.data : null;
}

/** Browses from the first call on; later calls answer from what was heard (a first call waits briefly for answers). */
export function createEdgeDiscovery(options: { waitMs?: number } = {}): EdgeDiscovery {
  let bonjour: Bonjour | null = null;
  let browser: Browser | null = null;
  return {
    async discover() {
      if (!browser) {
        bonjour = new Bonjour();
        browser = bonjour.find({ type: EDGE_SERVICE_TYPE });
        await new Promise((r) => setTimeout(r, options.waitMs ?? 1500));
      } else browser.update();
      const edges = browser.services.map(edgeFromService).filter((e): e is DiscoveredEdge => e !== null);
      return [...new Map(edges.map((e) => [e.url, e])).values()].slice(0, 20);
    },
    close() {
      browser?.stop();
      bonjour?.destroy();
      browser = null;
      bonjour = null;
    },
  };
}
