// What the overlay says about an interruption, from its first second (issue #21: a short outage showed nothing, and
// 改看录播 came only after 5 s). Pure, so the timing is table-tested with a fake clock.
import type { LiveState } from '../../stores/live-store.ts';

/** Without the recording on this PC, 改看录播 would stream it over the same failing link: offer it only once the
 *  interruption has lasted a while. With it cached, it plays from disk: offered at once. */
export const OFFER_UNCACHED_RECORDING_AFTER_MS = 5_000;

export type OutageNotice = {
  /** Whole seconds since the interruption began; null when nothing is interrupted. */
  seconds: number | null;
  offerRecording: boolean;
};

type OutageFields = Pick<LiveState, 'phase' | 'outageSince' | 'stalledSince' | 'lessonEnded' | 'lessonId'>;

/** When the current interruption began: the hub away or off air (`outageSince`), or media stopped arriving while
 *  the phase still says playing (`stalledSince`: the link is cut but neither the socket nor ICE has noticed yet). */
export function interruptedSince(state: OutageFields): number | null {
  if (state.phase === 'reconnecting' || state.phase === 'waiting') return state.outageSince;
  if (state.phase === 'playing') return state.stalledSince;
  return null;
}

export function outageNotice(state: OutageFields, now: number, recordingCached: boolean): OutageNotice {
  const since = interruptedSince(state);
  const elapsed = since === null ? null : Math.max(0, now - since);
  const offer = state.lessonEnded || (elapsed !== null && (recordingCached || elapsed >= OFFER_UNCACHED_RECORDING_AFTER_MS));
  return { seconds: elapsed === null ? null : Math.floor(elapsed / 1000), offerRecording: state.lessonId !== null && offer };
}
