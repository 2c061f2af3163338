// Client-side layer choice, on top of the SFU's own bandwidth estimate. The SFU can overshoot on a lossy link (its
// estimate stays high while the top layer's keyframes overflow a village link's queue), so the client caps the layer
// from what it actually decodes and how much the link drops. A new picture starts on the middle layer; a clean link
// (smooth, and next to no repair traffic) earns the next layer within seconds, so a good link shows the layer the window
// can show almost at once; a lossy link earns it only after a long smooth spell (waiting twice as long after each climb
// that failed, so a link that cannot carry the top layer is not made to stutter every 20 s). Sustained poor frame rate
// → one layer lower; still hopeless on the lowest layer → audio only; audio only → try video again after a pause. Pure.
export type AdaptState = {
  /** Highest simulcast layer allowed (0 = lowest). */
  cap: number;
  audioOnly: boolean;
  badSeconds: number;
  goodSeconds: number;
  /** Consecutive smooth seconds on a clean link (no loss to speak of). */
  cleanSeconds: number;
  audioOnlySince: number | null;
  /** Climbs that failed soon after (stepped back down): each doubles the smooth time needed before the next try. */
  failedClimbs: number;
  lastClimbAt: number | null;
};

export type AdaptInput = {
  /** Frames decoded per second over the last second. */
  fps: number;
  /** Video packets lost per 100 received in the last second, after retransmission (live-stats.ts). */
  lossPct: number;
  /** NACKs sent per 100 video packets received in the last second: the loss retransmission had to repair. */
  nackPct: number;
  /** Audio packets arrived in the last second: without them it is an outage, not a slow link, and nothing changes. */
  audioFlowing: boolean;
  /** Largest layer worth having for the window size. */
  maxCap: number;
  now: number;
};

export const ADAPT = {
  badFps: 10,
  goodFps: 18,
  stepDownAfterS: 4,
  audioOnlyFps: 2,
  audioOnlyAfterS: 10,
  stepUpAfterS: 20,
  /** On a clean link (below both loss figures) a climb needs only this many smooth seconds. */
  cleanStepUpAfterS: 3,
  cleanLossPct: 1,
  cleanNackPct: 2,
  /** A step down this soon after a climb means the climb failed. */
  failedClimbMs: 15_000,
  maxClimbBackoff: 3,
  retryVideoAfterMs: 30_000,
} as const;

export function initialAdaptState(maxCap: number): AdaptState {
  // The middle layer first: a quick first picture on a village link; a clean link climbs from it within seconds.
  return { cap: Math.min(1, Math.max(0, maxCap)), audioOnly: false, badSeconds: 0, goodSeconds: 0, cleanSeconds: 0, audioOnlySince: null, failedClimbs: 0, lastClimbAt: null };
}

export function adaptStep(state: AdaptState, input: AdaptInput): AdaptState {
  const cap = Math.min(state.cap, input.maxCap);
  if (state.audioOnly) {
    if (state.audioOnlySince !== null && input.now - state.audioOnlySince >= ADAPT.retryVideoAfterMs) {
      return { ...state, cap: 0, audioOnly: false, badSeconds: 0, goodSeconds: 0, cleanSeconds: 0, audioOnlySince: null };
    }
    return { ...state, cap };
  }
  if (!input.audioFlowing) return { ...state, cap, badSeconds: 0, goodSeconds: 0, cleanSeconds: 0 };
  if (input.fps < ADAPT.badFps) {
    const badSeconds = state.badSeconds + 1;
    if (cap > 0 && badSeconds >= ADAPT.stepDownAfterS) {
      const failed = state.lastClimbAt !== null && input.now - state.lastClimbAt < ADAPT.failedClimbMs;
      return { ...state, cap: cap - 1, badSeconds: 0, goodSeconds: 0, cleanSeconds: 0, failedClimbs: state.failedClimbs + (failed ? 1 : 0), lastClimbAt: null };
    }
    if (cap === 0 && input.fps < ADAPT.audioOnlyFps && badSeconds >= ADAPT.audioOnlyAfterS) {
      return { ...state, cap: 0, audioOnly: true, badSeconds: 0, goodSeconds: 0, cleanSeconds: 0, audioOnlySince: input.now };
    }
    return { ...state, cap, badSeconds, goodSeconds: 0, cleanSeconds: 0 };
  }
  if (input.fps >= ADAPT.goodFps) {
    const goodSeconds = state.goodSeconds + 1;
    const clean = input.lossPct < ADAPT.cleanLossPct && input.nackPct < ADAPT.cleanNackPct;
    const cleanSeconds = clean ? state.cleanSeconds + 1 : 0;
    const backoff = 2 ** Math.min(state.failedClimbs, ADAPT.maxClimbBackoff);
    const climb = goodSeconds >= ADAPT.stepUpAfterS * backoff || cleanSeconds >= ADAPT.cleanStepUpAfterS * backoff;
    if (cap < input.maxCap && climb) return { ...state, cap: cap + 1, badSeconds: 0, goodSeconds: 0, cleanSeconds: 0, lastClimbAt: input.now };
    return { ...state, cap, badSeconds: 0, goodSeconds, cleanSeconds };
  }
  return { ...state, cap, badSeconds: 0, goodSeconds: 0, cleanSeconds: 0 };
}
