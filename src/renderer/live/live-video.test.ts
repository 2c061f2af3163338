import { describe, expect, it } from 'vitest';
import { emptySourceStats, emptyStats, initialLiveState, type LiveState } from '../stores/live-store.ts';
import type { LiveMedia, MediaFigures } from './live-media.ts';
import { LiveVideo } from './live-video.ts';

/** A playing lesson whose media delivers what each step says (audio packets so far, frames per second). */
function rig() {
  let state: LiveState = { ...initialLiveState, phase: 'playing', sources: { camera: true, courseware: false } };
  let clock = 1_000_000;
  let figures: MediaFigures = { camera: emptyStats, courseware: emptySourceStats, totalKbps: 0 };
  const media = { figures: () => Promise.resolve(figures), apply: () => Promise.resolve(), spatialLayers: () => 3 } as unknown as LiveMedia;
  const video = new LiveVideo({ state: () => state, set: (p) => (state = { ...state, ...p }), viewportWidth: () => 1366, now: () => clock, log: () => undefined });
  return {
    state: () => state,
    async second(audioPackets: number, fps: number) {
      clock += 1000;
      figures = { ...figures, camera: { ...emptyStats, audioPackets, fps } };
      await video.sample(media, true);
    },
    now: () => clock,
  };
}

describe('LiveVideo: a stall is shown from its first second (fake clock)', () => {
  it('one second with no audio and no frame marks the stall; anything arriving clears it', async () => {
    const r = rig();
    await r.second(50, 25);
    await r.second(100, 25);
    expect(r.state().stalledSince).toBeNull();
    await r.second(100, 0); // the link is cut: nothing new
    expect(r.state().stalledSince).toBe(r.now());
    const since = r.now();
    await r.second(100, 0);
    expect(r.state().stalledSince).toBe(since); // one interruption, counted from its start
    await r.second(150, 25);
    expect(r.state().stalledSince).toBeNull();
  });

  it('nothing received yet is not a stall (the first picture is still coming)', async () => {
    const r = rig();
    await r.second(0, 0);
    await r.second(0, 0);
    expect(r.state().stalledSince).toBeNull();
  });
});
