// Hybrid logical clock: timestamps that follow wall time but never go backwards and order causally across devices,
// even when a classroom PC's clock is wrong. Encoded so that string order is timestamp order:
//   <wall ms, 13 digits>-<counter, 4 hex>-<node id>
export type Hlc = { wallMs: number; counter: number; node: string };

const MAX_COUNTER = 0xffff;
/** Refuse remote clocks this far ahead of ours: a broken PC clock must not drag everyone into the future. */
export const MAX_DRIFT_MS = 24 * 60 * 60 * 1000;

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
