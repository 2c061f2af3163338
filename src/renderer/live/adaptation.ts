// Client-side layer choice, on top of the SFU's own bandwidth estimate. The SFU can overshoot on a lossy link (its
// estimate stays high while the top layer's keyframes overflow a village link's queue), so the client watches what it
// actually decodes: sustained poor frame rate → cap one layer lower; still hopeless on the lowest layer → audio only;
// smooth for a while → allow one layer more; audio only → try video again after a pause. Pure, tested in a table.
export type AdaptState = {
  /** Highest simulcast layer allowed (0 = lowest). */
  cap: number;
  audioOnly: boolean;
  badSeconds: number;
  goodSeconds: number;
  audioOnlySince: number | null;
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

export const ADAPT = { badFps: 10, goodFps: 18, stepDownAfterS: 4, audioOnlyFps: 2, audioOnlyAfterS: 10, stepUpAfterS: 20, retryVideoAfterMs: 30_000 } as const;

export function initialAdaptState(maxCap: number): AdaptState {
  // Start in the middle: a new viewer sees a picture quickly on a weak link and climbs within seconds on a good one.
  return { cap: Math.min(1, maxCap), audioOnly: false, badSeconds: 0, goodSeconds: 0, audioOnlySince: null };
}

export function adaptStep(state: AdaptState, input: AdaptInput): AdaptState {
  const cap = Math.min(state.cap, input.maxCap);
  if (state.audioOnly) {
    if (state.audioOnlySince !== null && input.now - state.audioOnlySince >= ADAPT.retryVideoAfterMs) {
      return { cap: 0, audioOnly: false, badSeconds: 0, goodSeconds: 0, audioOnlySince: null };
    }
    return { ...state, cap };
  }
  if (!input.audioFlowing) return { ...state, cap, badSeconds: 0, goodSeconds: 0 };
  if (input.fps < ADAPT.badFps) {
    const badSeconds = state.badSeconds + 1;
    if (cap > 0 && badSeconds >= ADAPT.stepDownAfterS) return { ...state, cap: cap - 1, badSeconds: 0, goodSeconds: 0 };
    if (cap === 0 && input.fps < ADAPT.audioOnlyFps && badSeconds >= ADAPT.audioOnlyAfterS) {
      return { cap: 0, audioOnly: true, badSeconds: 0, goodSeconds: 0, audioOnlySince: input.now };
    }
    return { ...state, cap, badSeconds, goodSeconds: 0 };
  }
  if (input.fps >= ADAPT.goodFps) {
    const goodSeconds = state.goodSeconds + 1;
    if (cap < input.maxCap && goodSeconds >= ADAPT.stepUpAfterS) return { ...state, cap: cap + 1, badSeconds: 0, goodSeconds: 0 };
    return { ...state, cap, badSeconds: 0, goodSeconds };
  }
  return { ...state, cap, badSeconds: 0, goodSeconds: 0 };
}
