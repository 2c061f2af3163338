import { describe, expect, it } from 'vitest';
import { recordedPlayback, startRecordedPlayback, usePlaybackStore } from '../../stores/playback-store.ts';
import { trackPlayback } from './track-playback.ts';

/** A media element as far as playback tracking sees it: its events and `paused`. */
function media(paused = true) {
  const target = new EventTarget() as EventTarget & { paused: boolean };
  target.paused = paused;
  return target;
}
const fire = (m: EventTarget, ...types: string[]) => types.forEach((t) => m.dispatchEvent(new Event(t)));

describe('trackPlayback (a recording playing counts as activity)', () => {
  it.each([
    ['plays, then pauses', ['playing'], ['pause'], 'none'],
    ['plays, then ends', ['playing'], ['ended'], 'none'],
    ['plays, then loses its source', ['playing'], ['emptied'], 'none'],
    ['plays, then fails', ['playing'], ['error'], 'none'],
    ['resumes after a pause point', ['playing', 'pause', 'playing'], [], 'recorded'],
    ['buffers (playing twice) then pauses once', ['playing', 'playing'], ['pause'], 'none'],
  ])('%s', (_name, during, after, expected) => {
    const m = media();
    const dispose = trackPlayback(m, startRecordedPlayback);
    fire(m, ...during);
    expect(recordedPlayback.current()).toBe('recorded');
    fire(m, ...after);
    expect(recordedPlayback.current()).toBe(expected);
    dispose();
    expect(usePlaybackStore.getState().recordedPlaying).toBe(0);
  });

  it('an element already playing when tracked counts at once; leaving the screen lets go', () => {
    const m = media(false);
    const dispose = trackPlayback(m, startRecordedPlayback);
    expect(recordedPlayback.current()).toBe('recorded');
    dispose();
    expect(recordedPlayback.current()).toBe('none');
    fire(m, 'playing'); // listeners are gone
    expect(recordedPlayback.current()).toBe('none');
  });

  it('two players: activity lasts until both stop, and subscribers hear only the changes', () => {
    const heard: string[] = [];
    const unsubscribe = recordedPlayback.subscribe(() => heard.push(recordedPlayback.current()));
    const [a, b] = [media(), media()];
    const stops = [trackPlayback(a, startRecordedPlayback), trackPlayback(b, startRecordedPlayback)];
    fire(a, 'playing');
    fire(b, 'playing');
    fire(a, 'pause');
    expect(recordedPlayback.current()).toBe('recorded');
    fire(b, 'ended');
    expect(heard).toEqual(['recorded', 'none']);
    stops.forEach((s) => s());
    unsubscribe();
  });
});
