// Hybrid logical clock: timestamps that follow wall time but never go backwards and order causally across devices,
// even when a classroom PC's clock is wrong. Encoded so that string order is timestamp order:
//   <wall ms, 13 digits>-<counter, 4 hex>-<node id>
export type Hlc = { wallMs: number; counter: number; node: string };

const MAX_COUNTER = 0xffff;
/** Refuse remote clocks this far ahead of ours: a broken PC clock must not drag everyone into the future. */
export const MAX_DRIFT_MS = 24 * 60 * 60 * 1000;

/**
 * The hub refuses an op stamped more than this ahead of its own clock (reason `hlc_ahead: …`), so a PC whose clock runs
 * fast cannot win every later last-writer-wins merge of a record. Five minutes: far above what an honest client that
 * corrects its clock by the hub's (x-ykt-hub-time) can be off by — half a round trip (seconds, even with retries on a
 * 300 ms village link) plus a cheap RTC's drift between syncs (about a second a day) — and short enough that a bad clock
 * can put a record at most five minutes into the future.
 */
export const MAX_HLC_AHEAD_MS = 5 * 60 * 1000;
/** The named reason an op is refused for being stamped too far ahead; the client re-stamps such ops and sends again. */
export const HLC_AHEAD = 'hlc_ahead';

export function encodeHlc({ wallMs, counter, node }: Hlc): string {
  return `${String(wallMs).padStart(13, '0')}-${counter.toString(16).padStart(4, '0')}-${node}`;
}

export function decodeHlc(text: string): Hlc | null {
  const match = /^(\d{13})-([0-9a-f]{4})-([A-Za-z0-9_]{1,40})$/.exec(text);
  if (!match) return null;
  return { wallMs: Number(match[1]), counter: parseInt(match[2] ?? '0', 16), node: match[3] ?? '' };
}

export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class HlcClock {
  private last: Hlc;
  constructor(
    private readonly node: string,
    private readonly now: () => number,
    start?: string,
  ) {
    this.last = (start && decodeHlc(start)) || { wallMs: 0, counter: 0, node };
  }

  /** A timestamp for a local event. */
  tick(): string {
    const wall = this.now();
    this.last =
      wall > this.last.wallMs ? { wallMs: wall, counter: 0, node: this.node } : this.bump(this.last.wallMs, this.last.counter);
    return encodeHlc(this.last);
  }

  /**
   * The wall clock has just been checked against the hub: forget a last timestamp the hub would refuse (it was issued
   * while the PC's clock ran fast), so the next tick starts from the checked time instead of staying in the future.
   */
  rewindIfAhead(maxAheadMs = MAX_HLC_AHEAD_MS): boolean {
    const wall = this.now();
    if (this.last.wallMs - wall <= maxAheadMs) return false;
    this.last = { wallMs: wall, counter: 0, node: this.node };
    return true;
  }

  /** Merge a timestamp seen from another device so our next tick sorts after it. */
  receive(remote: string): void {
    const r = decodeHlc(remote);
    if (!r) return;
    const wall = this.now();
    if (r.wallMs - wall > MAX_DRIFT_MS) return;
    const maxWall = Math.max(wall, this.last.wallMs, r.wallMs);
    if (maxWall === this.last.wallMs && maxWall === r.wallMs) this.last = this.bump(maxWall, Math.max(this.last.counter, r.counter));
    else if (maxWall === this.last.wallMs) this.last = this.bump(maxWall, this.last.counter);
    else if (maxWall === r.wallMs) this.last = this.bump(maxWall, r.counter);
    else this.last = { wallMs: maxWall, counter: 0, node: this.node };
  }

  private bump(wallMs: number, counter: number): Hlc {
    // Counter overflow means >65k events in one ms: borrow the next millisecond rather than wrap.
    return counter >= MAX_COUNTER ? { wallMs: wallMs + 1, counter: 0, node: this.node } : { wallMs, counter: counter + 1, node: this.node };
  }
}
