import { describe, expect, it } from 'vitest';
import { playabilityOf, type Probe } from './media-check.ts';

const probe = (format_name: string, ...codecs: [string, string][]): Probe => ({
  format: { format_name },
  streams: codecs.map(([codec_type, codec_name]) => ({ codec_type, codec_name })),
});

describe('playabilityOf', () => {
  it.each([
    ['H.264 + AAC in MP4', probe('mov,mp4,m4a,3gp,3g2,mj2', ['video', 'h264'], ['audio', 'aac']), true],
    ['VP9 + Opus in WebM', probe('matroska,webm', ['video', 'vp9'], ['audio', 'opus']), true],
    ['HEVC in MP4 (no decoder on classroom PCs)', probe('mov,mp4,m4a,3gp,3g2,mj2', ['video', 'hevc'], ['audio', 'aac']), false],
    ['AC-3 audio', probe('mov,mp4,m4a,3gp,3g2,mj2', ['video', 'h264'], ['audio', 'ac3']), false],
    ['an AVI container', probe('avi', ['video', 'h264']), false],
    ['no stream at all', probe('mov,mp4,m4a,3gp,3g2,mj2'), false],
  ])('%s → playable %s', (_name, p, playable) => {
    expect(playabilityOf(p).playable).toBe(playable);
  });

  it('names the reason', () => {
    expect(playabilityOf(probe('mov,mp4', ['video', 'hevc']))).toEqual({ playable: false, reason: 'video codec hevc' });
  });
});
