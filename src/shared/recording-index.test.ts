import { describe, expect, it } from 'vitest';
import { positionAt, RecordingIndex } from './recording-index.ts';

const index = RecordingIndex.parse({
  version: 1,
  lessonId: 'les-1',
  camera: 'camera.mp4',
  courseware: 'courseware.mp4',
  segments: [
    { startedAt: '2026-11-25T02:00:00.000Z', at: 0, duration: 600 },
    // The broadcast was off from 02:10 to 02:12 (the lead teacher's link dropped).
    { startedAt: '2026-11-25T02:12:00.000Z', at: 600, duration: 1800 },
  ],
});
const at = (iso: string) => positionAt(index, Date.parse(iso));

describe('positionAt', () => {
  it.each([
    ['before the lesson', '2026-11-25T01:59:00.000Z', 0],
    ['at the start', '2026-11-25T02:00:00.000Z', 0],
    ['inside the first stretch', '2026-11-25T02:05:30.000Z', 330],
    ['in the gap: the next stretch', '2026-11-25T02:11:00.000Z', 600],
    ['inside the second stretch', '2026-11-25T02:20:00.000Z', 1080],
    ['after the end: the end', '2026-11-25T03:00:00.000Z', 2400],
  ])('%s', (_name, iso, expected) => expect(at(iso)).toBe(expected));

  it('refuses an index with an unsafe file name or no stretch', () => {
    expect(RecordingIndex.safeParse({ ...index, camera: '../x.mp4' }).success).toBe(false);
    expect(RecordingIndex.safeParse({ ...index, segments: [] }).success).toBe(false);
  });
});
