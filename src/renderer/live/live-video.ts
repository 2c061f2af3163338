// What this classroom asks of each video, and the figures that decide it: the layer each source's size is worth (the
// inset needs little), the thin-link policy (source-adaptation.ts) stepped once a second on the decoded frame rate and
// the SFU's estimate, and the plan sent to the SFU. Used by the LiveController for its current media.
import { emptySourceStats, emptyStats, type LiveState, type LiveStats } from '../stores/live-store.ts';
import type { LiveMedia } from './live-media.ts';
import { layerForWidth } from './live-stats.ts';
import { effectiveMode, initialSourcesState, sourcesStep, videoPlan, type SourcesState } from './source-adaptation.ts';

/** The inset's share of the player's width (app.css .live-inset): its video needs no more than a small layer. */
export const INSET_FRACTION = 0.24;

export type LiveVideoDeps = {
  state: () => LiveState;
  set: (patch: Partial<LiveState>) => void;
  viewportWidth: () => number;
  now: () => number;
  log: (level: 'info' | 'warn', message: string) => void;
};

export class LiveVideo {
  private sources: SourcesState = initialSourcesState(0);

  constructor(private readonly deps: LiveVideoDeps) {}

  /** The camera's largest useful layer: the whole width when it is the big picture, an inset's when the courseware is. */
  private cameraMaxCap() {
    const { sources, main, spatialLayers } = this.deps.state();
    const inset = sources.courseware && main === 'courseware';
    return layerForWidth(this.deps.viewportWidth() * (inset ? INSET_FRACTION : 1), spatialLayers);
  }

  private coursewareMaxCap(media: LiveMedia) {
    return layerForWidth(this.deps.viewportWidth() * (this.deps.state().main === 'camera' ? INSET_FRACTION : 1), media.spatialLayers('courseware'));
  }

  /** New media, or 低带宽模式 off: the SFU's estimate (not an old cap) decides again. */
  restart() {
    this.sources = initialSourcesState(this.cameraMaxCap());
  }

  /** The pictures swapped: the camera may have the layer its new size wants (the adaptation steps down if it cannot play). */
  resized() {
    this.sources = { ...this.sources, camera: { ...this.sources.camera, cap: this.cameraMaxCap() } };
  }

  /** Tells the SFU what this classroom wants of each video (layer or pause) from the adaptation, size and 低带宽模式. */
  async apply(media: LiveMedia | null) {
    if (!media) return;
    const { forcedLowBandwidth: forced, sources } = this.deps.state();
    const o = { hasCourseware: sources.courseware, forced };
    const plan = videoPlan(this.sources, { ...o, cameraMaxCap: this.cameraMaxCap(), coursewareMaxCap: this.coursewareMaxCap(media) });
    const mode = effectiveMode(this.sources, o);
    this.deps.set({ mode, layerCap: plan.camera.cap });
    await media.apply(plan).catch((error: unknown) => this.deps.log('warn', `setVideo failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Reads the figures into the store; `adapt`: only the once-a-second poll steps the adaptation (its counters are seconds). */
  async sample(media: LiveMedia, adapt: boolean) {
    try {
      const figures = await media.figures(this.deps.now());
      const before = this.deps.state();
      const audioFlowing = figures.camera.audioPackets > before.stats.audioPackets;
      this.deps.set({ stats: figures.camera, courseware: figures.courseware, totalKbps: figures.totalKbps });
      if (adapt) this.noteStall(before, audioFlowing || figures.camera.fps > 0 || figures.courseware.fps > 0);
      if (adapt) await this.adapt(media, figures.camera, audioFlowing);
    } catch {
      this.deps.set({ stats: emptyStats, courseware: emptySourceStats });
    }
  }

  /** A second with no audio and no frame while playing is shown at once (the socket and ICE notice a cut link only
   *  seconds later); anything arriving again clears it. */
  private noteStall(before: LiveState, flowing: boolean) {
    const stalled = before.phase === 'playing' && before.stats.audioPackets > 0 && !flowing;
    if (stalled && before.stalledSince === null) {
      this.deps.log('warn', 'nothing arrived for a second: stalled');
      this.deps.set({ stalledSince: this.deps.now() });
    } else if (!stalled && before.stalledSince !== null) this.deps.set({ stalledSince: null });
  }

  /** One adaptation step per stats sample; the SFU hears about it only when the plan changes. */
  private async adapt(media: LiveMedia, camera: LiveStats, audioFlowing: boolean) {
    const state = this.deps.state();
    if (state.phase !== 'playing' || state.forcedLowBandwidth) return;
    const before = this.sources;
    this.sources = sourcesStep(before, {
      hasCamera: state.sources.camera,
      cameraFps: camera.fps,
      lossPct: camera.lossPct,
      nackPct: camera.nackPct,
      audioFlowing,
      hasCourseware: state.sources.courseware,
      availableKbps: state.availableKbps,
      maxCap: this.cameraMaxCap(),
      now: this.deps.now(),
    });
    if (this.sources.mode === before.mode && this.sources.camera.cap === before.camera.cap) return;
    if (this.sources.mode !== before.mode) this.deps.log('info', `${before.mode} → ${this.sources.mode} (estimate ${String(state.availableKbps)} kbps, camera ${camera.fps} fps)`);
    await this.apply(media);
  }
}
