// Several hub nodes behind a real load balancer, as a province runs them (README, "Run the hub for a province"): N hub
// child processes sharing one database (PostgreSQL by HUB_DATABASE_URL; without it one SQLite file, which only works
// for nodes on one machine) and one data directory (content-addressed blobs, the pack-signing key, updates) — HAProxy
// (round-robin, health checks on /v1/health) in front, and nginx caching the blob route. Everything on loopback, on
// ports the OS picks; a node can be killed (SIGKILL, an outage) and started again.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHubProcess, type HubProcess } from './hub-process.ts';
import { freePort, waitFor } from './ports.ts';
import { startProxy, type ProxyProcess } from './proxy-process.ts';
import { haproxyConfig, nginxConfig } from './proxy-configs.ts';

export type HubClusterOptions = {
  nodes?: number;
  /** postgres://… shared by every node; without it the nodes share one SQLite file in the data directory. */
  databaseUrl?: string;
  adminToken?: string;
  /** nginx caching /v1/content/blobs/… behind HAProxy (default on). */
  blobCache?: boolean;
  /** HAProxy's health-check period (ms). */
  checkIntervalMs?: number;
  extraEnv?: NodeJS.ProcessEnv;
};

export type HubCluster = {
  /** HAProxy: what classrooms use. */
  url: string;
  /** Each node directly (e.g. to push through node A). */
  nodeUrls: string[];
  /** nginx directly, when the blob cache is on. */
  cacheUrl: string | undefined;
  adminToken: string;
  dataDir: string;
  /** SIGKILL one node (an outage); resolves once the process is gone. */
  kill(index: number): Promise<void>;
  /** Start a stopped node again on its port. */
  restart(index: number): Promise<void>;
  /** What the node printed (for a failing test's message). */
  nodeOutput(index: number): string;
  proxyOutput(): string;
  stop(): Promise<void>;
};

const HOST = '127.0.0.1';

export async function startHubCluster(options: HubClusterOptions = {}): Promise<HubCluster> {
  const count = options.nodes ?? 2;
  const adminToken = options.adminToken ?? 'admin-secret-for-cluster-tests-0123456789';
  const root = mkdtempSync(join(tmpdir(), 'hub-cluster-'));
  const dataDir = join(root, 'shared-data');
  mkdirSync(dataDir);
  const nodes: HubProcess[] = [];
  const proxies: ProxyProcess[] = [];
  const stopAll = async () => {
    await Promise.all(proxies.map((p) => p.stop()));
    await Promise.all(nodes.map((n) => n.stop({ graceful: true })));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const ports = await Promise.all(Array.from({ length: count }, () => freePort(HOST)));
    // One after the other: the first node creates the schema, the demo data, the signing key; the others find them.
    for (const [i, port] of ports.entries()) {
      nodes.push(
        await startHubProcess({
          port,
          dataDir,
          adminToken,
          extraEnv: {
            // the balancer and the cache are on loopback: their X-Forwarded-For names the classroom
            HUB_TRUST_PROXY: HOST,
            // one SFU worker per node (worker i would take HUB_RTC_PORT + i, a port nobody checked was free); the
            // cluster is about records and content, live across nodes has its own tests
            HUB_RTC_PORT: String(await freePort(HOST)),
            HUB_SFU_WORKERS: '1',
            HUB_RECORD: '0',
            HUB_NAME: `四川云教·省中心（节点 ${i + 1}）`,
            HUB_NODE_ID: `node${i + 1}`,
            ...(options.databaseUrl ? { HUB_DATABASE_URL: options.databaseUrl } : {}),
            ...options.extraEnv,
          },
        }),
      );
    }
    const upstreams = ports.map((port, i) => ({ name: `node${i + 1}`, host: HOST, port }));
    let cacheUrl: string | undefined;
    let blobCache: { name: string; host: string; port: number } | undefined;
    if (options.blobCache ?? true) {
      const dir = join(root, 'nginx');
      mkdirSync(dir);
      const listen = { host: HOST, port: await freePort(HOST) };
      proxies.push(await startProxy('nginx', dir, nginxConfig({ listen, nodes: upstreams, dir }), listen));
      cacheUrl = `http://${HOST}:${listen.port}`;
      blobCache = { name: 'nginx', ...listen };
    }
    const dir = join(root, 'haproxy');
    mkdirSync(dir);
    const listen = { host: HOST, port: await freePort(HOST) };
    const config = haproxyConfig({ listen, nodes: upstreams, ...(blobCache ? { blobCache } : {}), ...(options.checkIntervalMs ? { checkIntervalMs: options.checkIntervalMs } : {}) });
    proxies.push(await startProxy('haproxy', dir, config, listen));
    const url = `http://${HOST}:${listen.port}`;
    await waitFor(async () => ((await fetch(`${url}/v1/health`)).ok ? true : undefined), `hub health through HAProxy at ${url}`, 15_000, 100);

    const node = (index: number) => nodes[index] ?? (() => { throw new Error(`no node ${index}`); })();
    return {
      url,
      nodeUrls: nodes.map((n) => n.url),
      cacheUrl,
      adminToken,
      dataDir,
      async kill(index) {
        await node(index).stop();
      },
      async restart(index) {
        await node(index).start();
      },
      nodeOutput: (index) => node(index).output(),
      proxyOutput: () => proxies.map((p) => `--- ${p.kind}\n${p.output()}`).join('\n'),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
