// What the load run measures: request latencies (nearest-rank percentiles), every op's acknowledgements, and the
// recovery of the classrooms a killed node failed.

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = values.toSorted((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

/** Per op id: how often a hub answered `applied` (more than once = applied twice), and whether it was acknowledged. */
export type AckLedger = {
  record(id: string, status: 'applied' | 'duplicate' | 'rejected', reason?: string): void;
  appliedTwice(): number;
  acknowledged(id: string): boolean;
  rejected(): string[];
  applied(): number;
};

export function createAckLedger(): AckLedger {
  const applied = new Map<string, number>();
  const acked = new Set<string>();
  const rejected: string[] = [];
  return {
    record(id, status, reason) {
      if (status === 'rejected') {
        rejected.push(`${id}: ${reason ?? ''}`);
        return;
      }
      acked.add(id);
      if (status === 'applied') applied.set(id, (applied.get(id) ?? 0) + 1);
    },
    appliedTwice: () => [...applied.values()].filter((n) => n > 1).length,
    acknowledged: (id) => acked.has(id),
    rejected: () => rejected,
    applied: () => applied.size,
  };
}

/**
 * Node-kill recovery: from the kill to the first success of each classroom that had a request fail after it; the
 * figure is the slowest classroom's (all succeeding again). When the balancer hid the kill from every classroom (no
 * request failed), it is the time to the first request completed after the kill.
 */
export function createRecoveryClock(now: () => number = () => performance.now()) {
  let killedAt: number | null = null;
  let firstSuccessAfterKill: number | null = null;
  const failing = new Map<string, number>();
  const recovered: number[] = [];
  let failures = 0;
  return {
    killed() {
      killedAt = now();
    },
    failed(client: string) {
      if (killedAt === null) return;
      failures++;
      if (!failing.has(client)) failing.set(client, now());
    },
    succeeded(client: string) {
      if (killedAt === null) return;
      const at = now();
      firstSuccessAfterKill ??= at;
      if (failing.has(client)) {
        failing.delete(client);
        recovered.push(at - killedAt);
      }
    },
    result() {
      const stillFailing = failing.size;
      const recoveryMs = recovered.length > 0 ? Math.max(...recovered) : firstSuccessAfterKill !== null && killedAt !== null ? firstSuccessAfterKill - killedAt : null;
      return { recoveryMs, failedRequests: failures, clientsAffected: recovered.length + stillFailing, stillFailing };
    },
  };
}
