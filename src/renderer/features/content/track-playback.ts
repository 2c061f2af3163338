// Turns a media element's events into "playing / not playing" for the playback store: playing from the `playing`
// event until it pauses, ends, stalls for good (error), loses its source (emptied) or the player goes away.
export type PlaybackTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { readonly paused: boolean };

const STOP_EVENTS = ['pause', 'ended', 'emptied', 'error'] as const;

/** Returns the cleanup for an effect: it also stops a playback still held. */
export function trackPlayback(media: PlaybackTarget, start: () => () => void): () => void {
  let stop: (() => void) | null = null;
  const onPlaying = () => {
    stop ??= start();
  };
  const onStop = () => {
    stop?.();
    stop = null;
  };
  media.addEventListener('playing', onPlaying);
  for (const type of STOP_EVENTS) media.addEventListener(type, onStop);
  if (!media.paused) onPlaying(); // already playing when the effect runs (autoplay)
  return () => {
    media.removeEventListener('playing', onPlaying);
    for (const type of STOP_EVENTS) media.removeEventListener(type, onStop);
    onStop();
  };
}
