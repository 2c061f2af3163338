// Which of the lesson's sources a classroom receives, and how much of each. A maths lesson's content is on the slides,
// so when the link thins the teacher's camera goes first: `full` (camera layer by adaptation.ts, courseware at its best)
// → `slides` (audio + courseware's lowest layer, a few frames a second: ≤ 120 kbps for the whole lesson) → `audio`
// (only when there is no courseware, or the teacher forces it without courseware). Two signals decide together: the
// SFU's bandwidth estimate for this classroom (below what the camera's lowest layer needs for a few seconds → camera
// off; no camera layer climb the estimate cannot carry) and the decoded frame rate (the camera hopeless even on its
// lowest layer → camera off). Climbing back is automatic: after a pause (doubling after each return that failed
// within seconds) the camera is tried again on its lowest layer. Pure; tested on a fake clock.
import type { LiveMode } from '../stores/live-store.ts';
import { adaptStep, initialAdaptState, type AdaptState } from './adaptation.ts';

export type SourcesState = {
  /** The camera's layer cap and its own frame-rate bookkeeping (adaptation.ts). */
  camera: AdaptState;
  mode: LiveMode;
  /** Consecutive samples with an estimate too thin for the camera. */
  thinSeconds: number;
  /** When the camera was dropped (ms), for the climb back. */
  droppedAt: number | null;
  /** Returns to `full` that failed soon after: each doubles the wait before the next try. */
  failedReturns: number;
  returnedAt: number | null;
};

export type SourcesInput = {
  /** The broadcast has a camera at all (a courseware-only broadcast has nothing to drop). */
  hasCamera: boolean;
  cameraFps: number;
  /** The camera's loss and repair figures (live-stats.ts): a clean link climbs layers sooner (adaptation.ts). */
  lossPct: number;
  nackPct: number;
  audioFlowing: boolean;
  hasCourseware: boolean;
  /** The SFU's estimate towards this classroom, kbps; null before the first report. */
  availableKbps: number | null;
  /** Largest camera layer worth having at the size it is shown. */
  maxCap: number;
  now: number;
};

export type VideoPlan = { camera: { paused: boolean; cap: number }; courseware: { paused: boolean; cap: number } };

export const SOURCES = {
  /** What each camera layer needs (the console's and the broadcaster's simulcast, rounded up). */
  cameraLayerKbps: [150, 400, 1200],
  /** Opus with packet overhead, and the courseware's lowest layer: kept whatever else goes. */
  audioKbps: 50,
  coursewareLowKbps: 60,
  thinAfterS: 3,
  retryAfterMs: 30_000,
  maxRetryBackoff: 3,
  /** Dropped again this soon after a return: the return failed. */
  failedReturnMs: 20_000,
} as const;

export function initialSourcesState(maxCap: number): SourcesState {
  return { camera: initialAdaptState(maxCap), mode: 'full', thinSeconds: 0, droppedAt: null, failedReturns: 0, returnedAt: null };
}

/** The estimate a camera layer needs next to what is always kept (below layer 0's: too thin for the camera at all). */
export function needKbps(layer: number, hasCourseware: boolean): number {
  const camera = SOURCES.cameraLayerKbps[Math.min(layer, SOURCES.cameraLayerKbps.length - 1)] ?? 0;
  return SOURCES.audioKbps + (hasCourseware ? SOURCES.coursewareLowKbps : 0) + camera;
}

export function sourcesStep(state: SourcesState, input: SourcesInput): SourcesState {
  // No audio either: an outage, not a thin link. Nothing is decided on it.
  if (!input.audioFlowing || !input.hasCamera) return { ...state, thinSeconds: 0 };
  const thin = input.availableKbps !== null && input.availableKbps < needKbps(0, input.hasCourseware);
  const thinSeconds = thin ? state.thinSeconds + 1 : 0;
  const dropTo: LiveMode = input.hasCourseware ? 'slides' : 'audio';

  if (state.mode === 'full') {
    let camera = adaptStep(state.camera, { fps: input.cameraFps, lossPct: input.lossPct, nackPct: input.nackPct, audioFlowing: true, maxCap: input.maxCap, now: input.now });
    // A climb the estimate cannot carry would only stutter: stay, and try again after the next smooth stretch.
    if (camera.cap > state.camera.cap && input.availableKbps !== null && input.availableKbps < needKbps(camera.cap, input.hasCourseware)) {
      camera = { ...camera, cap: state.camera.cap, goodSeconds: 0, lastClimbAt: state.camera.lastClimbAt };
    }
    if (camera.audioOnly || thinSeconds >= SOURCES.thinAfterS) {
      const failed = state.returnedAt !== null && input.now - state.returnedAt < SOURCES.failedReturnMs;
      return {
        camera: { ...initialAdaptState(0), cap: 0 },
        mode: dropTo,
        thinSeconds: 0,
        droppedAt: input.now,
        failedReturns: state.failedReturns + (failed ? 1 : 0),
        returnedAt: null,
      };
    }
    return { ...state, camera, thinSeconds };
  }

  // Courseware gone (the lead teacher stopped sharing): nothing but the camera or audio is left to keep.
  if (state.mode === 'slides' && !input.hasCourseware) return { ...state, mode: 'audio', thinSeconds };
  const wait = SOURCES.retryAfterMs * 2 ** Math.min(state.failedReturns, SOURCES.maxRetryBackoff);
  if (state.droppedAt !== null && input.now - state.droppedAt >= wait && !thin) {
    // Try the camera again on its lowest layer; the frame rate and the estimate say within seconds whether it holds.
    return { ...state, mode: 'full', camera: { ...initialAdaptState(0), cap: 0 }, thinSeconds: 0, droppedAt: null, returnedAt: input.now };
  }
  return { ...state, thinSeconds };
}

/** What to ask the SFU for each video: the teacher's 低带宽模式 keeps audio + slides (audio alone without courseware). */
export function videoPlan(state: SourcesState, o: { hasCourseware: boolean; forced: boolean; cameraMaxCap: number; coursewareMaxCap: number }): VideoPlan {
  const mode: LiveMode = o.forced ? (o.hasCourseware ? 'slides' : 'audio') : state.mode;
  return {
    camera: { paused: mode !== 'full', cap: Math.min(state.camera.cap, o.cameraMaxCap) },
    courseware: { paused: mode === 'audio', cap: mode === 'full' ? o.coursewareMaxCap : 0 },
  };
}

export function effectiveMode(state: SourcesState, o: { hasCourseware: boolean; forced: boolean }): LiveMode {
  return o.forced ? (o.hasCourseware ? 'slides' : 'audio') : state.mode;
}
