// The school's cap on what the edge may pull over the uplink (HUB_EDGE_MAX_KBIT): a token bucket of one second's worth,
// taken before each chunk request, so classes' video calls and records keep room on a shared village link.
export type UplinkCap = { take(bytes: number): Promise<void> };

export function createUplinkCap(bytesPerSecond: number | null, now: () => number = Date.now, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): UplinkCap {
  if (!bytesPerSecond) return { take: () => Promise.resolve() };
  let tokens = bytesPerSecond;
  let last = now();
  let queue = Promise.resolve();
  const take = async (bytes: number) => {
    for (;;) {
      const t = now();
      tokens = Math.min(bytesPerSecond, tokens + ((t - last) / 1000) * bytesPerSecond);
      last = t;
      // A chunk larger than a second's worth waits for a full bucket, then goes (the bucket runs into debt).
      if (tokens >= Math.min(bytes, bytesPerSecond)) {
        tokens -= bytes;
        return;
      }
      await sleep(Math.ceil(((Math.min(bytes, bytesPerSecond) - tokens) / bytesPerSecond) * 1000));
    }
  };
  return {
    // One at a time, in order: concurrent chunk fetches queue rather than all waking at once.
    take(bytes) {
      const turn = queue.then(() => take(bytes));
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}
