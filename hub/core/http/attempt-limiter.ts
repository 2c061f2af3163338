// Counts failed attempts (a wrong enrollment code, an unknown device token, a wrong console password) per key — an
// address, or the code that was tried — and refuses that key for the rest of a fixed window once it has failed too
// often. Only failures count: a school enrolling forty PCs behind one address, or a classroom syncing every minute,
// never meets the limit. A key is checked BEFORE the secret is, so a refused guess is not evaluated at all.
//
// Not @fastify/rate-limit: it counts every request to a route, so it cannot count failures only, and one of the three
// credentials arrives in a WebSocket frame, not an HTTP route. This is one small pure policy with an injected clock,
// table-tested, used the same way for all three.

export type AttemptLimit = { maxFailures: number; windowMs: number };

export type AttemptLimiter = {
  /** How long this key must wait before it may try again; 0 when it may try now. */
  retryAfterMs(key: string): number;
  recordFailure(key: string): void;
  readonly size: number;
};

type Entry = { windowStart: number; failures: number };

/** Memory is bounded: past `maxKeys` the oldest key is forgotten (an attacker needs that many addresses to do it). */
export function createAttemptLimiter(limit: AttemptLimit, now: () => number, maxKeys = 10_000): AttemptLimiter {
  const entries = new Map<string, Entry>();

  const current = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && now() - entry.windowStart >= limit.windowMs) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  return {
    retryAfterMs(key) {
      const entry = current(key);
      if (!entry || entry.failures < limit.maxFailures) return 0;
      return entry.windowStart + limit.windowMs - now();
    },
    recordFailure(key) {
      const entry = current(key);
      if (entry) {
        entry.failures++;
        return;
      }
      entries.set(key, { windowStart: now(), failures: 1 });
      if (entries.size > maxKeys) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    get size() {
      return entries.size;
    },
  };
}
