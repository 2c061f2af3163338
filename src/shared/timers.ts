// One shape for injected timers, so that code which waits (retries, deadlines, watches) can be driven by a fake clock
// in its unit tests; production passes the host's timers (or the hub's background timers, hub/core/background-timers.ts).
export type Timers = { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };

// Shared code sees no DOM or Node typings; both hosts have these timers.
const host = globalThis as unknown as Timers;

/** The host's own timers (browser or Node), as they are. */
export const hostTimers: Timers = { setTimeout: (fn, ms) => host.setTimeout(fn, ms), clearTimeout: (handle) => host.clearTimeout(handle) };
