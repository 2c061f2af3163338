import type { Timers } from '../../src/shared/timers.ts';

/** Node's timers, unref'd: a pending retry, deadline or watch never keeps the hub's process alive on its own. */
export const backgroundTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
