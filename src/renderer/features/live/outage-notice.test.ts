import { describe, expect, it } from 'vitest';
import { initialLiveState } from '../../stores/live-store.ts';
import { outageNotice } from './outage-notice.ts';

const base = { ...initialLiveState, lessonId: 'L1' };
const T0 = 1_000_000;

describe('outageNotice (fake clock)', () => {
  it.each([
    // phase, outageSince, stalledSince, now − T0, recording cached → seconds shown, 改看录播 offered
    ['playing', null, null, 0, true, null, false],
    ['playing', null, T0, 0, false, 0, false], // stalled: shown from the first second
    ['playing', null, T0, 1_200, true, 1, true], // a cached recording is offered at once
    ['playing', null, T0, 4_999, false, 4, false],
    ['playing', null, T0, 5_000, false, 5, true], // not cached: after 5 s, as before
    ['reconnecting', T0, null, 0, true, 0, true],
    ['reconnecting', T0, null, 3_000, false, 3, false],
    ['reconnecting', T0, null, 6_000, false, 6, true],
    ['waiting', T0, null, 1_000, true, 1, true],
    ['waiting', null, null, 9_000, true, null, false], // not begun yet: nothing interrupted
    ['connecting', null, null, 9_000, true, null, false],
  ] as const)('%s since %s / stalled %s, +%i ms, cached %s → %s s, offer %s', (phase, outageSince, stalledSince, dt, cached, seconds, offer) => {
    expect(outageNotice({ ...base, phase, outageSince, stalledSince }, T0 + dt, cached)).toEqual({ seconds, offerRecording: offer });
  });

  it('the lesson ended: the recording is offered whatever the clock; no lesson, no offer', () => {
    expect(outageNotice({ ...base, phase: 'waiting', lessonEnded: true, outageSince: null }, T0, false).offerRecording).toBe(true);
    expect(outageNotice({ ...base, lessonId: null, phase: 'reconnecting', outageSince: T0, stalledSince: null }, T0 + 60_000, true).offerRecording).toBe(false);
  });
});
