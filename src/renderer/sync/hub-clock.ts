// The hub's clock as this PC sees it: the PC's own clock plus an offset learned from every hub answer (header
// x-ykt-hub-time), taken at the middle of the request's round trip as NTP does. Records are stamped on this clock, so
// a classroom PC whose own clock is a year off (a flat CMOS battery) still stamps them with the county's time, and
// the teacher's latest change wins merges as she expects. The offset is persisted (meta `clockOffsetMs`) by the
// session, so it holds across restarts and days offline.
import type { HubTimeSample } from './hub-client.ts';

/** Smaller changes are round-trip noise: ignoring them keeps the clock from stepping back and forth. */
const MIN_CHANGE_MS = 1000;

export type HubClock = {
  /** Now, on the hub's clock. */
  now(): Date;
  observe(sample: HubTimeSample): void;
  offsetMs(): number;
  restore(offsetMs: number): void;
};

export function offsetOf({ hubMs, sentMs, receivedMs }: HubTimeSample): number {
  return Math.round(hubMs - (sentMs + receivedMs) / 2);
}

export function createHubClock(localNow: () => Date): HubClock {
  let offset = 0;
  return {
    now: () => new Date(localNow().getTime() + offset),
    observe(sample) {
      const next = offsetOf(sample);
      if (Math.abs(next - offset) >= MIN_CHANGE_MS) offset = next;
    },
    offsetMs: () => offset,
    restore(offsetMs) {
      offset = offsetMs;
    },
  };
}
