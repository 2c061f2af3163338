import { describe, expect, it } from 'vitest';
import { clock, fileKind, hoursText } from './format.ts';
import { crossedPausePoint } from './pause-points.ts';

describe('content formatting', () => {
  it.each([
    [0, '0:00'],
    [83, '1:23'],
    [3723, '1:02:03'],
    [-5, '0:00'],
  ])('clock(%s) → %s', (s, text) => expect(clock(s)).toBe(text));

  it('shows download hours as HH:MM–HH:MM (sizes: shared/format-bytes.ts)', () => {
    expect(hoursText({ start: 1320, end: 360 })).toBe('22:00–06:00');
  });
});

describe('fileKind: 视频 / 文档 / 图片, never a MIME type on screen', () => {
  it.each([
    ['video/mp4', 'video'],
    ['audio/mpeg', 'audio'],
    ['image/png', 'image'],
    ['application/pdf', 'document'],
    ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'document'],
    ['application/octet-stream', 'other'],
  ])('%s → %s', (mime, kind) => expect(fileKind(mime)).toBe(kind));
});

describe('crossedPausePoint', () => {
  it.each([
    [9.8, 10.1, [10], 10],
    [10.1, 10.4, [10], null],
    [5, 30, [10], null], // a seek jumps over it
    [30, 5, [10], null], // backwards
    [9.9, 10.2, [10.1, 10], 10],
    [1, 1.2, [], null],
  ])('%s → %s over %o gives %s', (prev, now, points, hit) => expect(crossedPausePoint(prev, now, points)).toBe(hit));
});
