// The thin-link policy on a fake clock: one step per second, as the controller samples getStats().
import { describe, expect, it } from 'vitest';
import { effectiveMode, initialSourcesState, needKbps, SOURCES, sourcesStep, videoPlan, type SourcesInput, type SourcesState } from './source-adaptation.ts';

const base: SourcesInput = { hasCamera: true, cameraFps: 25, lossPct: 0, nackPct: 0, audioFlowing: true, hasCourseware: true, availableKbps: 2000, maxCap: 2, now: 0 };

/** Runs `seconds` samples from `state`, each one second later, with the input `at` gives for that second. */
function run(state: SourcesState, seconds: number, at: (s: number) => Partial<SourcesInput>, start = 0): SourcesState {
  let s = state;
  for (let i = 0; i < seconds; i++) s = sourcesStep(s, { ...base, ...at(i), now: start + i * 1000 });
  return s;
}

describe('sourcesStep', () => {
  it('keeps everything on a good link', () => {
    const s = run(initialSourcesState(2), 60, () => ({}));
    expect(s).toMatchObject({ mode: 'full', camera: { cap: 2 } });
  });

  it('drops the camera (keeping audio and slides) after a few seconds of a thin estimate', () => {
    const thin = needKbps(0, true) - 1;
    const s = run(initialSourcesState(2), SOURCES.thinAfterS, () => ({ availableKbps: thin }));
    expect(s).toMatchObject({ mode: 'slides', droppedAt: (SOURCES.thinAfterS - 1) * 1000 });
    expect(run(initialSourcesState(2), SOURCES.thinAfterS - 1, () => ({ availableKbps: thin })).mode).toBe('full');
  });

  it('without courseware a thin estimate leaves audio only, and needs less to keep the camera', () => {
    expect(needKbps(0, false)).toBeLessThan(needKbps(0, true));
    const s = run(initialSourcesState(2), SOURCES.thinAfterS, () => ({ availableKbps: needKbps(0, false) - 1, hasCourseware: false }));
    expect(s.mode).toBe('audio');
    expect(run(initialSourcesState(2), 10, () => ({ availableKbps: needKbps(0, false) + 1, hasCourseware: false })).mode).toBe('full');
  });

  it('drops the camera when even its lowest layer does not decode, whatever the estimate says', () => {
    // The estimate overshoots on a lossy link: frames tell the truth. Down a layer every 4 s, then camera off.
    const s = run(initialSourcesState(2), 40, () => ({ cameraFps: 1, availableKbps: 900 }));
    expect(s.mode).toBe('slides');
  });

  it('an outage (no audio either) decides nothing', () => {
    const s = run(initialSourcesState(2), 30, () => ({ audioFlowing: false, cameraFps: 0, availableKbps: 10 }));
    expect(s).toEqual({ ...initialSourcesState(2), thinSeconds: 0 });
  });

  it('does not climb to a camera layer the estimate cannot carry', () => {
    const start = { ...initialSourcesState(2), camera: { ...initialSourcesState(2).camera, cap: 0 } };
    const s = run(start, 120, () => ({ availableKbps: needKbps(1, true) - 1 }));
    expect(s.camera.cap).toBe(0);
    expect(run(start, 120, () => ({ availableKbps: needKbps(2, true) })).camera.cap).toBe(2);
  });

  it('climbs back by itself: camera tried again after the pause, and the pause doubles after a return that failed', () => {
    const thin = needKbps(0, true) - 1;
    let s = run(initialSourcesState(2), SOURCES.thinAfterS, () => ({ availableKbps: thin }));
    const dropped = s.droppedAt ?? -1;
    // Still thin at the retry time: no return while the estimate says no.
    s = run(s, 40, () => ({ availableKbps: thin }), dropped + 1000);
    expect(s.mode).toBe('slides');
    // The estimate recovers: the camera returns on its lowest layer.
    s = sourcesStep(s, { ...base, availableKbps: 800, now: dropped + SOURCES.retryAfterMs + 1000 });
    expect(s).toMatchObject({ mode: 'full', camera: { cap: 0 }, returnedAt: dropped + SOURCES.retryAfterMs + 1000 });
    // ...and fails at once: dropped again, and the next try waits twice as long.
    const returned = s.returnedAt ?? 0;
    s = run(s, SOURCES.thinAfterS, () => ({ availableKbps: thin }), returned + 1000);
    expect(s).toMatchObject({ mode: 'slides', failedReturns: 1 });
    const again = s.droppedAt ?? 0;
    expect(sourcesStep(s, { ...base, now: again + SOURCES.retryAfterMs }).mode).toBe('slides');
    expect(sourcesStep(s, { ...base, now: again + 2 * SOURCES.retryAfterMs }).mode).toBe('full');
  });

  it('slides mode whose courseware stops sharing keeps audio', () => {
    const s = run(initialSourcesState(2), SOURCES.thinAfterS, () => ({ availableKbps: 100 }));
    expect(sourcesStep(s, { ...base, hasCourseware: false, availableKbps: 100, now: 5000 }).mode).toBe('audio');
  });
});

describe('videoPlan', () => {
  const full = { ...initialSourcesState(2), camera: { ...initialSourcesState(2).camera, cap: 2 } };
  const slides = { ...full, mode: 'slides' as const, camera: { ...full.camera, cap: 0 } };
  const o = { hasCourseware: true, forced: false, cameraMaxCap: 2, coursewareMaxCap: 1 };
  it.each([
    ['full: camera at its cap, courseware at its best', full, o, { camera: { paused: false, cap: 2 }, courseware: { paused: false, cap: 1 } }],
    ['inset camera: capped by its size', full, { ...o, cameraMaxCap: 0 }, { camera: { paused: false, cap: 0 }, courseware: { paused: false, cap: 1 } }],
    ['slides: camera paused, courseware lowest layer', slides, o, { camera: { paused: true, cap: 0 }, courseware: { paused: false, cap: 0 } }],
    ['forced with courseware: audio + slides', full, { ...o, forced: true }, { camera: { paused: true, cap: 2 }, courseware: { paused: false, cap: 0 } }],
    ['forced without courseware: audio only', full, { ...o, forced: true, hasCourseware: false }, { camera: { paused: true, cap: 2 }, courseware: { paused: true, cap: 0 } }],
  ])('%s', (_name, state, options, expected) => {
    expect(videoPlan(state, options)).toEqual(expected);
  });

  it('names the mode the screen shows', () => {
    expect(effectiveMode(full, { hasCourseware: true, forced: true })).toBe('slides');
    expect(effectiveMode(slides, { hasCourseware: true, forced: false })).toBe('slides');
    expect(effectiveMode(full, { hasCourseware: false, forced: true })).toBe('audio');
  });
});
