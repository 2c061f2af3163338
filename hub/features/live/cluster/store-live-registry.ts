// The live registry in the hub's store, for several hub nodes on one PostgreSQL database: each node writes its own
// routers' rows (live_routers) and a heartbeat (hub_nodes: its id, its internal URL, when it last beat). A node whose
// heartbeat is older than the timeout is dead: its rows are left where they are but no longer read as a lesson's routers,
// so a join on another node makes the lesson there (or pipes it from the live origin) instead of calling a dead node.
// A node that starts again under the same id first drops its old rows (its routers died with the old process).
import type { SqlDb } from '../../../core/db/sql-db.ts';
import type { LiveRegistry, RouterPlacement } from './live-registry.ts';

export type StoreLiveRegistryOptions = {
  db: SqlDb;
  nodeId: string;
  /** Where the other nodes reach this one (HUB_NODE_URL), e.g. http://10.0.0.11:8787. */
  nodeUrl: string;
  /** ms since the epoch (injected: tests move time to expire a node). */
  now: () => number;
  /** A node not heard from for this long is dead (default 15 s: three missed beats). */
  heartbeatTimeoutMs?: number;
  /** How often this node beats (default 5 s); 0: only when `heartbeat()` is called (tests). */
  heartbeatEveryMs?: number;
  log: (line: string) => void;
};

export type StoreLiveRegistry = LiveRegistry & {
  /** Says this node is alive (the timer calls it; tests call it directly). */
  heartbeat(): Promise<void>;
};

type Row = { router_id: string; lesson_id: string; node_id: string; worker_index: number; worker_pid: number; role: string; viewers: number };

const toPlacement = (r: Row): RouterPlacement => ({
  lessonId: r.lesson_id,
  nodeId: r.node_id,
  workerIndex: Number(r.worker_index),
  workerPid: Number(r.worker_pid),
  routerId: r.router_id,
  role: r.role === 'origin' ? 'origin' : 'fanout',
  viewers: Number(r.viewers),
});

/** Registers the node (dropping rows an earlier process under the same id left) and starts its heartbeat. */
export async function createStoreLiveRegistry(options: StoreLiveRegistryOptions): Promise<StoreLiveRegistry> {
  const { db, nodeId, now } = options;
  const timeoutMs = options.heartbeatTimeoutMs ?? 15_000;
  const aliveSince = () => now() - timeoutMs;
  const heartbeat = async () => {
    await db.run(
      `INSERT INTO hub_nodes (node_id, url, heartbeat_at) VALUES (?, ?, ?)
       ON CONFLICT (node_id) DO UPDATE SET url = excluded.url, heartbeat_at = excluded.heartbeat_at`,
      [nodeId, options.nodeUrl, now()],
    );
  };
  await db.transaction(async (tx) => {
    await tx.run(`DELETE FROM live_routers WHERE node_id = ?`, [nodeId]);
    await tx.run(
      `INSERT INTO hub_nodes (node_id, url, heartbeat_at) VALUES (?, ?, ?)
       ON CONFLICT (node_id) DO UPDATE SET url = excluded.url, heartbeat_at = excluded.heartbeat_at`,
      [nodeId, options.nodeUrl, now()],
    );
  });
  const every = options.heartbeatEveryMs ?? 5_000;
  const timer =
    every > 0
      ? setInterval(() => {
          heartbeat().catch((error: unknown) => options.log(`hub: live registry heartbeat of ${nodeId} failed: ${String(error)}`));
        }, every)
      : null;
  timer?.unref();
  return {
    heartbeat,
    async put(p) {
      await db.run(
        `INSERT INTO live_routers (router_id, lesson_id, node_id, worker_index, worker_pid, role, viewers, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (router_id) DO UPDATE SET viewers = excluded.viewers, worker_pid = excluded.worker_pid, updated_at = excluded.updated_at`,
        [p.routerId, p.lessonId, p.nodeId, p.workerIndex, p.workerPid, p.role, p.viewers, now()],
      );
    },
    async claimOrigin(p) {
      // The insert meets live_routers_one_origin (migration 16) when another node's origin is there: a node claiming
      // at the same moment waits on that index entry until the first commits, then finds it taken.
      return db.transaction(async (tx) => {
        await tx.run(
          `DELETE FROM live_routers WHERE lesson_id = ? AND role = 'origin'
             AND (node_id = ? OR node_id NOT IN (SELECT node_id FROM hub_nodes WHERE heartbeat_at >= ?))`,
          [p.lessonId, nodeId, aliveSince()],
        );
        const inserted = await tx.run(
          `INSERT INTO live_routers (router_id, lesson_id, node_id, worker_index, worker_pid, role, viewers, updated_at) VALUES (?, ?, ?, ?, ?, 'origin', ?, ?)
           ON CONFLICT DO NOTHING`,
          [p.routerId, p.lessonId, nodeId, p.workerIndex, p.workerPid, p.viewers, now()],
        );
        return inserted.changes > 0;
      });
    },
    async remove(routerId) {
      await db.run(`DELETE FROM live_routers WHERE router_id = ?`, [routerId]);
    },
    async lesson(lessonId) {
      const rows = await db.all<Row>(
        `SELECT r.* FROM live_routers r JOIN hub_nodes n ON n.node_id = r.node_id
         WHERE r.lesson_id = ? AND n.heartbeat_at >= ?
         ORDER BY CASE WHEN r.role = 'origin' THEN 0 ELSE 1 END, r.node_id, r.router_id`,
        [lessonId, aliveSince()],
      );
      return rows.map(toPlacement);
    },
    async node(id) {
      return (await db.all<Row>(`SELECT * FROM live_routers WHERE node_id = ? ORDER BY router_id`, [id])).map(toPlacement);
    },
    async nodeUrl(id) {
      const row = await db.get<{ url: string }>(`SELECT url FROM hub_nodes WHERE node_id = ? AND heartbeat_at >= ?`, [id, aliveSince()]);
      return row?.url ?? null;
    },
    close() {
      if (timer) clearInterval(timer);
    },
  };
}
