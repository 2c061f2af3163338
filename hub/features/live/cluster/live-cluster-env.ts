// Several hub nodes on one PostgreSQL database (run-hub.ts): the live registry in the store, under this node's id and
// internal URL, and — with HUB_CLUSTER_SECRET — cross-node piping. One node on SQLite keeps its registry in memory
// (nothing else could read it): null here.
import type { SqlDb } from '../../../core/db/sql-db.ts';
import type { ClusterOptions } from '../sfu/live-sfu.ts';
import { createStoreLiveRegistry, type StoreLiveRegistry } from './store-live-registry.ts';

export type LiveClusterEnv = {
  HUB_DATABASE_URL?: string | undefined;
  HUB_HOST: string;
  HUB_PORT: number;
  HUB_NODE_ID?: string | undefined;
  HUB_NODE_URL?: string | undefined;
  HUB_NODE_PIPE_IP?: string | undefined;
  HUB_CLUSTER_SECRET?: string | undefined;
};

export type LiveCluster = { nodeId: string; registry: StoreLiveRegistry; options: ClusterOptions | null };

const IP = /^(\d{1,3}\.){3}\d{1,3}$|^\[?[0-9a-fA-F:]+\]?$/;

export async function liveCluster(env: LiveClusterEnv, db: SqlDb, host: string, log: (line: string) => void): Promise<LiveCluster | null> {
  if (!env.HUB_DATABASE_URL) return null;
  // host-port by default: two nodes on one machine (tests, a small province) must not share an id.
  const nodeId = env.HUB_NODE_ID ?? `${host}-${env.HUB_PORT}`;
  const nodeUrl = env.HUB_NODE_URL ?? `http://${env.HUB_HOST === '0.0.0.0' ? host : env.HUB_HOST}:${env.HUB_PORT}`;
  const registry = await createStoreLiveRegistry({ db, nodeId, nodeUrl, now: Date.now, log });
  const urlHost = new URL(nodeUrl).hostname.replace(/^\[|\]$/g, '');
  const pipeIp = env.HUB_NODE_PIPE_IP ?? (IP.test(urlHost) ? urlHost : null);
  let options: ClusterOptions | null = null;
  if (!env.HUB_CLUSTER_SECRET) log(`hub: live registry on PostgreSQL as node ${nodeId}; no HUB_CLUSTER_SECRET, so lessons are not piped between nodes`);
  else if (!pipeIp) log(`hub: HUB_NODE_URL's host (${urlHost}) is a name: set HUB_NODE_PIPE_IP to pipe lessons between nodes; not piping`);
  else {
    options = { secret: env.HUB_CLUSTER_SECRET, pipeIp };
    log(`hub: live node ${nodeId} at ${nodeUrl}: lessons piped between nodes over UDP on ${pipeIp}`);
  }
  return { nodeId, registry, options };
}
