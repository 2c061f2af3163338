// Two hub node processes behind HAProxy on one PostgreSQL database, with HUB_CLUSTER_SECRET (tests/support/hub-cluster.ts):
// the broadcaster's ingest calls and lead consoles' sockets go round-robin to either node, and every one of them ends
// on the lesson's one origin — the registry (live_routers) never holds a second origin row for the lesson, and both
// nodes answer the broadcaster's lease with the same ingest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUnavailableReason } from '../../hub/features/live/sfu/live-sfu.ts';
import { openPostgres } from '../../hub/core/db/open-database.ts';
import type { SqlDb } from '../../hub/core/db/sql-db.ts';
import { defaultIngestRequest } from '../../hub/features/live/broadcast/ffmpeg-broadcaster.ts';
import { IngestResponse, IngestStatus } from '../../src/shared/live-protocol.ts';
import { startHubCluster, type HubCluster } from '../support/hub-cluster.ts';
import { DEMO_LIVE_LESSON, rawLiveSocket } from '../support/live-page.ts';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import { proxyUnavailable } from '../support/proxy-process.ts';

const noWorker = liveUnavailableReason();
const LESSON = DEMO_LIVE_LESSON.id;

describe.skipIf(noWorker !== null)(`live lead side through HAProxy on two nodes${noWorker ? ` (skipped: ${noWorker})` : ''}`, () => {
  let postgres: PostgresServer;
  let cluster: HubCluster;
  let db: SqlDb;

  beforeAll(async () => {
    const missing = proxyUnavailable('haproxy');
    if (missing) throw new Error(missing);
    postgres = await startPostgresServer();
    const url = await postgres.createDatabase();
    cluster = await startHubCluster({ nodes: 2, databaseUrl: url, blobCache: false, extraEnv: { HUB_CLUSTER_SECRET: 'cluster-secret-for-live-through-haproxy-0123', HUB_DEMO_LIVE: '1' } });
    db = await openPostgres(url, { max: 2 });
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    await cluster?.stop();
    await postgres?.stop();
  }, 60_000);

  const origins = async () => (await db.all<{ node_id: string }>(`SELECT node_id FROM live_routers WHERE lesson_id = ? AND role = 'origin'`, [LESSON])).map((r) => r.node_id);

  it('ingest calls through the balancer, on either node, open on one origin; both nodes answer its lease alike', async () => {
    const opened: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${cluster.url}/v1/admin/live/${LESSON}/ingest`, { method: 'POST', headers: { authorization: `Bearer ${cluster.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(defaultIngestRequest()) });
      expect(res.status).toBe(201);
      opened.push(IngestResponse.parse(await res.json()).ingestId);
    }
    expect(await origins()).toHaveLength(1);
    const last = opened.at(-1);
    for (const node of cluster.nodeUrls) {
      const res = await fetch(`${node}/v1/admin/live/${LESSON}/ingest`, { headers: { authorization: `Bearer ${cluster.adminToken}` } });
      expect(IngestStatus.parse(await res.json()).ingestId).toBe(last);
    }
  }, 60_000);

  it('lead consoles’ sockets through the balancer join on the one origin, whichever node they reach', async () => {
    // Round-robin: half of them reach the node without the origin (which, before forwarding, made a second one there).
    const sockets = [];
    for (let i = 0; i < 4; i++) {
      const socket = await rawLiveSocket(cluster.url);
      sockets.push(socket);
      expect(await socket.call('join', { lessonId: LESSON, token: cluster.adminToken, role: 'console' })).toMatchObject({ kind: 'response', ok: true });
    }
    expect(await origins()).toHaveLength(1);
    for (const socket of sockets) socket.ws.close();
  }, 60_000);
});
