// Whether a recorded lesson is playing: plain state the video player sets and shell services read, so a recording
// keeps the display awake and holds back update installs like a live lesson does.
import { create } from 'zustand';

/** How many players are playing now (a lesson screen and its review can overlap during a route change). */
export const usePlaybackStore = create<{ recordedPlaying: number }>(() => ({ recordedPlaying: 0 }));

/** Marks one player as playing; returns its stop (safe to call more than once). */
export function startRecordedPlayback(): () => void {
  usePlaybackStore.setState((s) => ({ recordedPlaying: s.recordedPlaying + 1 }));
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    usePlaybackStore.setState((s) => ({ recordedPlaying: Math.max(0, s.recordedPlaying - 1) }));
  };
}

/** The playback source shell services report to main. */
export const recordedPlayback = {
  current: (): 'none' | 'recorded' => (usePlaybackStore.getState().recordedPlaying > 0 ? 'recorded' : 'none'),
  subscribe: (listener: () => void) => usePlaybackStore.subscribe((state, previous) => {
    if ((state.recordedPlaying > 0) !== (previous.recordedPlaying > 0)) listener();
  }),
};
