// Client-side layer choice, on top of the SFU's own bandwidth estimate. The SFU can overshoot on a lossy link (its
// estimate stays high while the top layer's keyframes overflow a village link's queue), so the client watches what it
// actually decodes: sustained poor frame rate → cap one layer lower; still hopeless on the lowest layer → audio only;
// smooth for a while → allow one layer more (waiting twice as long after each climb that failed, so a link that cannot
// carry the top layer is not made to stutter every 20 s); audio only → try video again after a pause. Pure, tested.
export type AdaptState = {
  /** Highest simulcast layer allowed (0 = lowest). */
  cap: number;
  audioOnly: boolean;
  badSeconds: number;
  goodSeconds: number;
  audioOnlySince: number | null;
  /** Climbs that failed soon after (stepped back down): each doubles the smooth time needed before the next try. */
  failedClimbs: number;
  lastClimbAt: number | null;
};

export type AdaptInput = {
  /** Frames decoded per second over the last second. */
  fps: number;
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
  /** A step down this soon after a climb means the climb failed. */
  failedClimbMs: 15_000,
  maxClimbBackoff: 3,
  retryVideoAfterMs: 30_000,
} as const;

export function initialAdaptState(maxCap: number): AdaptState {
  // No client cap at first: the SFU starts from a modest bandwidth estimate (live-peer.ts) and climbs to the layer the
  // link carries within seconds; this cap only steps in once decoding shows the link cannot keep up. (Starting capped
  // in the middle kept a good link at 320×180 for 20 s or more, and at 160×90 after 低带宽模式.)
  return { cap: Math.max(0, maxCap), audioOnly: false, badSeconds: 0, goodSeconds: 0, audioOnlySince: null, failedClimbs: 0, lastClimbAt: null };
}

export function adaptStep(state: AdaptState, input: AdaptInput): AdaptState {
  const cap = Math.min(state.cap, input.maxCap);
  if (state.audioOnly) {
    if (state.audioOnlySince !== null && input.now - state.audioOnlySince >= ADAPT.retryVideoAfterMs) {
      return { ...state, cap: 0, audioOnly: false, badSeconds: 0, goodSeconds: 0, audioOnlySince: null };
    }
    return { ...state, cap };
  }
  if (!input.audioFlowing) return { ...state, cap, badSeconds: 0, goodSeconds: 0 };
  if (input.fps < ADAPT.badFps) {
    const badSeconds = state.badSeconds + 1;
    if (cap > 0 && badSeconds >= ADAPT.stepDownAfterS) {
      const failed = state.lastClimbAt !== null && input.now - state.lastClimbAt < ADAPT.failedClimbMs;
      return { ...state, cap: cap - 1, badSeconds: 0, goodSeconds: 0, failedClimbs: state.failedClimbs + (failed ? 1 : 0), lastClimbAt: null };
    }
    if (cap === 0 && input.fps < ADAPT.audioOnlyFps && badSeconds >= ADAPT.audioOnlyAfterS) {
      return { ...state, cap: 0, audioOnly: true, badSeconds: 0, goodSeconds: 0, audioOnlySince: input.now };
    }
    return { ...state, cap, badSeconds, goodSeconds: 0 };
  }
  if (input.fps >= ADAPT.goodFps) {
    const goodSeconds = state.goodSeconds + 1;
    const needed = ADAPT.stepUpAfterS * 2 ** Math.min(state.failedClimbs, ADAPT.maxClimbBackoff);
    if (cap < input.maxCap && goodSeconds >= needed) return { ...state, cap: cap + 1, badSeconds: 0, goodSeconds: 0, lastClimbAt: input.now };
    return { ...state, cap, badSeconds: 0, goodSeconds };
  }
  return { ...state, cap, badSeconds: 0, goodSeconds: 0 };
}
