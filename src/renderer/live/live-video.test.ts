import { describe, expect, it } from 'vitest';
import { emptySourceStats, emptyStats, initialLiveState, type LiveState } from '../stores/live-store.ts';
import type { LiveMedia, MediaFigures } from './live-media.ts';
import type { VideoPlan } from './source-adaptation.ts';
import { LiveVideo } from './live-video.ts';

/** A playing lesson whose media delivers what each step says (audio packets so far, frames per second). */
function rig() {
  let state: LiveState = { ...initialLiveState, phase: 'playing', sources: { camera: true, courseware: false } };
  let clock = 1_000_000;
  let figures: MediaFigures = { camera: emptyStats, courseware: emptySourceStats, totalKbps: 0 };
  const media = { figures: () => Promise.resolve(figures), apply: () => Promise.resolve(), spatialLayers: () => 3, layerOf: () => null } as unknown as LiveMedia;
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

describe('LiveVideo: each video gets the layer its picture needs in device pixels', () => {
  /** Slides large, a camera (lowest layer `lowWidth` px, doubling) as the inset; the SFU forwards `layer` of it. */
  function insetRig(viewportWidth: number, lowWidth = 160) {
    let state: LiveState = { ...initialLiveState, phase: 'playing', sources: { camera: true, courseware: true }, main: 'courseware', spatialLayers: 3 };
    const plans: VideoPlan[] = [];
    let layer = 1;
    const media = {
      figures: () => Promise.resolve({ camera: { ...emptyStats, audioPackets: state.stats.audioPackets + 50, fps: 25, frameWidth: lowWidth * 2 ** layer }, courseware: { ...emptySourceStats, fps: 2, frameWidth: 1920 }, totalKbps: 900 }),
      apply: (plan: VideoPlan) => Promise.resolve(void plans.push(plan)),
      spatialLayers: (source: string) => (source === 'camera' ? 3 : 2),
      layerOf: (source: string) => (source === 'camera' ? layer : 1),
    } as unknown as LiveMedia;
    const video = new LiveVideo({ state: () => state, set: (p) => (state = { ...state, ...p }), viewportWidth: () => viewportWidth, now: () => 0, log: () => undefined });
    return { video, media, plans, setLayer: (l: number) => (layer = l), lastPlan: () => plans.at(-1) };
  }

  it('the teacher inset on a 1366 PC (328 px) climbs to the 320 px layer, not kept on the 160 px one; at dpr 2 to 640 px', async () => {
    const r = insetRig(1366);
    r.video.restart();
    r.video.setSizes({ camera: 328, courseware: 1209 });
    await r.video.apply(r.media);
    expect(r.lastPlan()?.camera.cap).toBe(0); // nothing decoded yet: a screen-wide top layer is assumed, 342 px at layer 0
    r.setLayer(0);
    for (let s = 0; s < 5; s++) await r.video.sample(r.media, true); // 160 px frames at layer 0: the top is 640 px
    expect(r.lastPlan()?.camera.cap).toBe(1); // a clean link climbs within seconds
    expect(r.lastPlan()?.courseware.cap).toBe(1); // 1209 px of slides: the 1920 px layer (960 is too narrow)
    r.setLayer(1);
    expect(r.video.setSizes({ camera: 656, courseware: 2418 })).toBe(true); // the same screen at dpr 2
    for (let s = 0; s < 5; s++) await r.video.sample(r.media, true);
    expect(r.lastPlan()?.camera.cap).toBe(2);
  });

  it('a 300 px inset of the console’s 1280 px camera asks for its 320 px layer; an unchanged size asks nothing', async () => {
    const r = insetRig(1366, 320);
    r.setLayer(2);
    r.video.restart();
    r.video.setSizes({ camera: 300, courseware: 1209 });
    await r.video.sample(r.media, true);
    await r.video.sample(r.media, true);
    await r.video.apply(r.media);
    expect(r.lastPlan()?.camera.cap).toBe(0);
    expect(r.video.setSizes({ camera: 300, courseware: 1209 })).toBe(false);
  });
});
