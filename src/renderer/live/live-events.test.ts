import { describe, expect, it } from 'vitest';
import { liveActivity, onLiveActivity, setLiveActivity, type LiveActivity } from './live-events.ts';

describe('live activity events (downloads yield while live)', () => {
  it('tells subscribers when a live lesson starts and stops, once per change, until they unsubscribe', () => {
    const seen: LiveActivity[] = [];
    const off = onLiveActivity((a) => seen.push(a));
    setLiveActivity({ active: true, lessonId: 'les-1' });
    setLiveActivity({ active: true, lessonId: 'les-1' }); // no change, no event
    expect(liveActivity()).toEqual({ active: true, lessonId: 'les-1' });
    setLiveActivity({ active: false, lessonId: null });
    off();
    setLiveActivity({ active: true, lessonId: 'les-2' });
    expect(seen).toEqual([
      { active: true, lessonId: 'les-1' },
      { active: false, lessonId: null },
    ]);
    setLiveActivity({ active: false, lessonId: null });
  });
});
