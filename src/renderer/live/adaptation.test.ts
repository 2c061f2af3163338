import { describe, expect, it } from 'vitest';
import { ADAPT, adaptStep, initialAdaptState, type AdaptState } from './adaptation.ts';

/** `seconds` one-second samples; the link is lossy (3 % loss, 8 % NACKs, as measured on the emulated village link)
 *  unless `clean`. */
function run(state: AdaptState, seconds: number, fps: number, audioFlowing = true, maxCap = 2, start = 0, clean = false): AdaptState {
  let s = state;
  const loss = clean ? { lossPct: 0, nackPct: 0 } : { lossPct: 3, nackPct: 8 };
  for (let i = 0; i < seconds; i++) s = adaptStep(s, { fps, ...loss, audioFlowing, maxCap, now: start + i * 1000 });
  return s;
}

describe('adaptStep', () => {
  const start = initialAdaptState(2);

  it('starts on the middle layer', () => expect(start.cap).toBe(1));

  it('climbs within seconds on a clean link, so a good link reaches the window’s layer almost at once', () => {
    expect(run(start, ADAPT.cleanStepUpAfterS - 1, 25, true, 2, 0, true).cap).toBe(1);
    expect(run(start, ADAPT.cleanStepUpAfterS, 25, true, 2, 0, true).cap).toBe(2);
  });

  it('a lossy link earns the next layer only after a long smooth spell', () => {
    expect(run(start, ADAPT.stepUpAfterS - 1, 25).cap).toBe(1);
    expect(run(start, ADAPT.stepUpAfterS, 25).cap).toBe(2);
  });

  it.each([
    ['poor frame rate steps one layer down', 1, ADAPT.stepDownAfterS, 4, true, { cap: 0, audioOnly: false }],
    ['a brief dip changes nothing', 1, ADAPT.stepDownAfterS - 1, 4, true, { cap: 1 }],
    ['smooth playback climbs one layer', 1, ADAPT.stepUpAfterS, 25, true, { cap: 2 }],
    ['an outage (no audio either) is not a slow link', 1, 60, 0, false, { cap: 1, audioOnly: false }],
    ['hopeless video on the lowest layer → audio only', 0, ADAPT.audioOnlyAfterS, 1, true, { cap: 0, audioOnly: true }],
    ['some video on the lowest layer stays video', 0, 60, 5, true, { cap: 0, audioOnly: false }],
  ])('%s', (_name, cap, seconds, fps, audio, expected) => {
    expect(run({ ...start, cap }, seconds, fps, audio)).toMatchObject(expected);
  });

  it('waits twice as long before climbing again after a climb that failed', () => {
    let s = run(start, ADAPT.stepUpAfterS, 25, true, 2, 0);
    expect(s.cap).toBe(2);
    s = run(s, ADAPT.stepDownAfterS, 3, true, 2, ADAPT.stepUpAfterS * 1000);
    expect(s).toMatchObject({ cap: 1, failedClimbs: 1 });
    expect(run(s, ADAPT.stepUpAfterS, 25, true, 2, 60_000).cap).toBe(1);
    expect(run(s, ADAPT.stepUpAfterS * 2, 25, true, 2, 60_000).cap).toBe(2);
  });

  it('never exceeds the window’s layer, and tries video again after audio only', () => {
    expect(run(start, 100, 30, true, 0).cap).toBe(0);
    const audioOnly = run({ ...start, cap: 0 }, ADAPT.audioOnlyAfterS, 0);
    expect(audioOnly.audioOnly).toBe(true);
    const since = audioOnly.audioOnlySince ?? 0;
    expect(adaptStep(audioOnly, { fps: 0, lossPct: 0, nackPct: 0, audioFlowing: true, maxCap: 2, now: since + 1000 }).audioOnly).toBe(true);
    expect(adaptStep(audioOnly, { fps: 0, lossPct: 0, nackPct: 0, audioFlowing: true, maxCap: 2, now: since + ADAPT.retryVideoAfterMs })).toMatchObject({ audioOnly: false, cap: 0 });
  });
});
