// Which live cluster set-up a node's environment gives: none on SQLite (one node), the store registry on PostgreSQL,
// and cross-node piping only with a cluster secret and an address the other nodes can send UDP to. (The registry's
// table exists on both stores, so SQLite stands in for the database here.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../core/db/open-database.ts';
import type { SqlDb } from '../../../core/db/sql-db.ts';
import { liveCluster, type LiveClusterEnv } from './live-cluster-env.ts';

const SECRET = 's'.repeat(40);
const base: LiveClusterEnv = { HUB_DATABASE_URL: 'postgres://db/hub', HUB_HOST: '0.0.0.0', HUB_PORT: 8787 };
let dir: string;
let db: SqlDb;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hub-cluster-env-'));
  db = openDatabase(join(dir, 'hub.sqlite'));
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('liveCluster', () => {
  it.each([
    { name: 'SQLite: one node, registry in memory', env: { ...base, HUB_DATABASE_URL: undefined }, want: null },
    { name: 'PostgreSQL, no secret: registry only', env: base, want: { nodeId: 'host-1-8787', pipeIp: null } },
    { name: 'secret and an IP in the node URL: piping there', env: { ...base, HUB_CLUSTER_SECRET: SECRET, HUB_NODE_ID: 'n2', HUB_NODE_URL: 'http://10.0.0.12:8787' }, want: { nodeId: 'n2', pipeIp: '10.0.0.12' } },
    { name: 'secret, a host name in the node URL: no address to pipe to', env: { ...base, HUB_CLUSTER_SECRET: SECRET, HUB_NODE_URL: 'http://hub-2.lan:8787' }, want: { nodeId: 'host-1-8787', pipeIp: null } },
    { name: 'secret and HUB_NODE_PIPE_IP', env: { ...base, HUB_CLUSTER_SECRET: SECRET, HUB_NODE_URL: 'http://hub-2.lan:8787', HUB_NODE_PIPE_IP: '10.1.0.2' }, want: { nodeId: 'host-1-8787', pipeIp: '10.1.0.2' } },
  ])('$name', async ({ env, want }) => {
    const cluster = await liveCluster(env, db, 'host-1', () => undefined);
    cluster?.registry.close();
    expect(cluster && { nodeId: cluster.nodeId, pipeIp: cluster.options?.pipeIp ?? null }).toEqual(want);
  });

  it('registers the node under its URL (default: host name and port)', async () => {
    const cluster = await liveCluster({ ...base, HUB_NODE_ID: 'n9' }, db, 'host-9', () => undefined);
    cluster?.registry.close();
    expect(await cluster?.registry.nodeUrl('n9')).toBe('http://host-9:8787');
  });
});
