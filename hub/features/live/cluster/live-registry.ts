// Which hub node and which SFU worker hosts what of a live lesson: its origin router (where the broadcast arrives) and
// its fan-out routers (fed by pipeToRouter, or, across nodes, by a PipeTransport). One node keeps it in memory; several
// nodes share one in PostgreSQL (store-live-registry.ts) behind the same type (rows keyed by routerId, a lesson's rows read together;
// a node's rows dropped when it is declared dead), so a node asked for a lesson it does not host can find the origin.
// Every method is async for that reason, even in memory.

export type RouterPlacement = {
  lessonId: string;
  nodeId: string;
  workerIndex: number;
  /** The worker's process id on its node: a row whose worker has been replaced is stale. */
  workerPid: number;
  routerId: string;
  role: 'origin' | 'fanout';
  /** Classrooms placed on this router (updated as they join and leave; a shared store may batch it). */
  viewers: number;
};

export type LiveRegistry = {
  put(placement: RouterPlacement): Promise<void>;
  /**
   * Registers `placement` (role origin) as its lesson's one origin, replacing an origin row of this node (a router
   * being made again) or of a dead node; false when a live other node holds the lesson's origin (it won a race).
   */
  claimOrigin(placement: RouterPlacement): Promise<boolean>;
  remove(routerId: string): Promise<void>;
  /** The lesson's routers on every node, origin first. */
  lesson(lessonId: string): Promise<RouterPlacement[]>;
  /** What one node hosts (what another node must rebuild or forget when that node dies). */
  node(nodeId: string): Promise<RouterPlacement[]>;
  /** Where another live node takes cross-node pipe calls (HUB_NODE_URL); null: unknown, dead, or a one-node registry. */
  nodeUrl(nodeId: string): Promise<string | null>;
  /** Stops what the registry runs (a shared one's heartbeat); the rows stay until the timeout declares the node dead. */
  close(): void;
};

export function createMemoryLiveRegistry(): LiveRegistry {
  const rows = new Map<string, RouterPlacement>();
  const originFirst = (a: RouterPlacement, b: RouterPlacement) => (a.role === b.role ? 0 : a.role === 'origin' ? -1 : 1);
  return {
    async put(placement) {
      rows.set(placement.routerId, { ...placement });
    },
    async claimOrigin(placement) {
      // One process: only this node's rows are here.
      for (const [id, row] of rows) if (row.lessonId === placement.lessonId && row.role === 'origin') rows.delete(id);
      rows.set(placement.routerId, { ...placement });
      return true;
    },
    async remove(routerId) {
      rows.delete(routerId);
    },
    async lesson(lessonId) {
      return [...rows.values()].filter((r) => r.lessonId === lessonId).sort(originFirst).map((r) => ({ ...r }));
    },
    async node(nodeId) {
      return [...rows.values()].filter((r) => r.nodeId === nodeId).map((r) => ({ ...r }));
    },
    async nodeUrl() {
      return null; // one process: no other node to call
    },
    close() {},
  };
}
