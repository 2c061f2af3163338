// A recording segment writes nothing until every video source has sent it a key frame: ffmpeg configures its filters,
// and so starts both files, only once each input has decoded a picture. The recorder asks each source for one when the
// segment starts, but that frame can be lost (a busy machine drops UDP on a full socket buffer; a sender that switched
// layers at that moment) and nothing else asks again: Chromium's VP8 sends a key frame only when asked, so the whole
// segment — the lesson's 录播 — stayed empty. Until the segment's files have their first bytes, ask again, a bounded
// number of times (every key frame goes to every classroom watching, so it must not go on for the whole lesson).
import type { Timers } from '../../../../src/shared/timers.ts';

export type FirstFrameWatchOptions = {
  /** True once every output file has its first bytes (ffmpeg has a picture from every source). */
  written: () => Promise<boolean>;
  /** Asks every video source of the segment for a key frame. */
  askKeyFrame: () => Promise<void>;
  timers: Timers;
  log: (line: string) => void;
  everyMs?: number;
  maxAsks?: number;
};

export type FirstFrameWatch = { stop(): void; /** Resolves when the watch ends: written, out of asks, or stopped. */ done: Promise<'written' | 'gave_up' | 'stopped'> };

export function watchFirstFrames(options: FirstFrameWatchOptions): FirstFrameWatch {
  const everyMs = options.everyMs ?? 2_000;
  const maxAsks = options.maxAsks ?? 15;
  let asks = 0;
  let handle: unknown = null;
  let finish: (how: 'written' | 'gave_up' | 'stopped') => void = () => undefined;
  let finished = false;
  const done = new Promise<'written' | 'gave_up' | 'stopped'>((resolve) => {
    finish = (how) => {
      if (finished) return;
      finished = true;
      options.timers.clearTimeout(handle);
      resolve(how);
    };
  });

  const check = async () => {
    if (finished) return;
    let written = false;
    try {
      written = await options.written();
    } catch (error) {
      options.log(`first frames: cannot read the segment's files: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (finished) return;
    if (written) {
      if (asks > 0) options.log(`first frames: written after ${asks} more key frame request(s)`);
      finish('written');
      return;
    }
    if (asks >= maxAsks) {
      options.log(`first frames: nothing written after ${asks} key frame requests over ${Math.round((asks * everyMs) / 1000)} s; the segment stays open`);
      finish('gave_up');
      return;
    }
    asks++;
    if (asks === 1) options.log(`first frames: nothing written ${everyMs} ms after the start; asking the sources for a key frame again`);
    await options.askKeyFrame().catch((error: unknown) => options.log(`first frames: key frame request failed: ${error instanceof Error ? error.message : String(error)}`));
    if (!finished) handle = options.timers.setTimeout(() => void check(), everyMs);
  };
  handle = options.timers.setTimeout(() => void check(), everyMs);
  return { stop: () => finish('stopped'), done };
}
