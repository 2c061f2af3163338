// What this classroom asks of each video, and the figures that decide it: the layer each source's size is worth (the
// inset needs little), the thin-link policy (source-adaptation.ts) stepped once a second on the decoded frame rate and
// the SFU's estimate, and the plan sent to the SFU. Used by the LiveController for its current media.
import { emptySourceStats, emptyStats, type LiveState, type LiveStats } from '../stores/live-store.ts';
import type { LiveMedia } from './live-media.ts';
import { layerForBox, topWidthFrom } from './layer-for-box.ts';
import { effectiveMode, initialSourcesState, sourcesStep, videoPlan, type SourcesState } from './source-adaptation.ts';

/** The inset's share of the player's width (app.css .live-inset), for the size of a picture not measured yet. */
export const INSET_FRACTION = 0.24;

type VideoSource = 'camera' | 'courseware';
/** The width each picture is drawn at, in device pixels (the stage measures them; null: not measured yet). */
export type PictureSizes = Record<VideoSource, number | null>;

export type LiveVideoDeps = {
  state: () => LiveState;
  set: (patch: Partial<LiveState>) => void;
  viewportWidth: () => number;
  now: () => number;
  log: (level: 'info' | 'warn', message: string) => void;
};

export class LiveVideo {
  private sources: SourcesState = initialSourcesState(0);
  private sizes: PictureSizes = { camera: null, courseware: null };
  /** Each source's top layer width, learnt from decoded frames (a layer's width halves below it). */
  private topWidths: PictureSizes = { camera: null, courseware: null };
  /** The last estimate, so one taken mid-switch (the SFU's layer news and the decoded size disagree) is not used. */
  private lastEstimates: PictureSizes = { camera: null, courseware: null };
  private layers: Record<VideoSource, number> = { camera: 1, courseware: 1 };

  constructor(private readonly deps: LiveVideoDeps) {}

  /** Device pixels of the picture: as measured, or (not yet) the viewport's share by its place. */
  private pictureWidth(source: VideoSource): number {
    const { sources, main } = this.deps.state();
    const inset = source === 'camera' ? sources.courseware && main === 'courseware' : main === 'camera';
    return this.sizes[source] ?? this.deps.viewportWidth() * (inset ? INSET_FRACTION : 1);
  }

  /** Until a decoded frame tells the layers' widths, the top one is taken to be as wide as the screen (what a lead
   *  classroom sends for): the inset then starts small and moves up once its real widths are known. */
  private maxCap(source: VideoSource) {
    return layerForBox(this.pictureWidth(source), this.layers[source], this.topWidths[source] ?? this.deps.viewportWidth());
  }

  /** The camera's largest useful layer: by the size the teacher's picture is drawn at (big picture or inset). */
  private cameraMaxCap() {
    this.layers.camera = this.deps.state().spatialLayers;
    return this.maxCap('camera');
  }

  private coursewareMaxCap(media: LiveMedia) {
    this.layers.courseware = media.spatialLayers('courseware');
    return this.maxCap('courseware');
  }

  /** New media, or 低带宽模式 off: the SFU's estimate (not an old cap) decides again. */
  restart() {
    this.topWidths = { camera: null, courseware: null };
    this.lastEstimates = { camera: null, courseware: null };
    this.sources = initialSourcesState(this.cameraMaxCap());
  }

  /** New picture sizes; true when a video's layer limit changed (the SFU is then told). A lower limit holds at once; a
   *  higher one is climbed to by the adaptation, which checks the link can carry it (a jump could flood a village link). */
  setSizes(sizes: PictureSizes): boolean {
    const before = [this.maxCap('camera'), this.maxCap('courseware')];
    this.sizes = sizes;
    return before[0] !== this.maxCap('camera') || before[1] !== this.maxCap('courseware');
  }

  /** Learns each source's top width from a frame decoded at a layer the SFU named, once two samples agree. */
  private learnWidths(media: LiveMedia, widths: Record<VideoSource, number>): boolean {
    let changed = false;
    for (const source of ['camera', 'courseware'] as const) {
      const layer = media.layerOf(source);
      if (layer === null || layer < 0 || widths[source] <= 0) continue;
      const estimate = topWidthFrom({ layer, width: widths[source] }, media.spatialLayers(source));
      if (estimate === this.lastEstimates[source] && estimate !== this.topWidths[source]) {
        this.topWidths[source] = estimate;
        changed = true;
      }
      this.lastEstimates[source] = estimate;
    }
    return changed;
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
      // Learnt widths change the limits as a new size does (setSizes): lower at once, higher by climbing.
      if (this.learnWidths(media, { camera: figures.camera.frameWidth, courseware: figures.courseware.frameWidth })) await this.apply(media);
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
