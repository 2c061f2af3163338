// Bandwidth cap: a token bucket that chunk requests draw from before they start, so a school's shared link keeps room
// for everyone else. One second of burst; the clock and the sleep are parameters for tests.

export type TokenBucket = { take(bytes: number, signal?: AbortSignal): Promise<void>; setRate(bytesPerSecond: number | null): void };

export function createTokenBucket(
  bytesPerSecond: number | null,
  now: () => number = () => performance.now(),
  sleep: (ms: number, signal?: AbortSignal) => Promise<void> = abortableSleep,
): TokenBucket {
  let rate = bytesPerSecond;
  let tokens = rate ?? 0;
  let last = now();
  return {
    async take(bytes, signal) {
      if (!rate) return;
      const refill = () => {
        const t = now();
        tokens = Math.min(rate ?? 0, tokens + ((t - last) / 1000) * (rate ?? 0));
        last = t;
      };
      refill();
      tokens -= bytes; // may go negative: a chunk larger than the burst waits for its debt to clear
      if (tokens < 0) await sleep((-tokens / rate) * 1000, signal);
    },
    setRate(next) {
      rate = next;
      tokens = Math.min(tokens, next ?? 0);
    },
  };
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
