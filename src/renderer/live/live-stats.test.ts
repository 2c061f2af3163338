import { describe, expect, it } from 'vitest';
import { layerForWidth, readStats } from './live-stats.ts';

const report = (...entries: Record<string, unknown>[]) => new Map(entries.map((e, i) => [typeof e.id === 'string' ? e.id : String(i), e]));

describe('readStats', () => {
  const video = (framesDecoded: number, bytesReceived: number) =>
    report({ id: 'v', type: 'inbound-rtp', kind: 'video', framesDecoded, bytesReceived, frameWidth: 320, frameHeight: 180 });
  const transport = report(
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
    { id: 'P', type: 'candidate-pair', localCandidateId: 'L', state: 'succeeded', nominated: true },
    { id: 'L', type: 'local-candidate', protocol: 'tcp' },
  );

  it('derives fps and bitrate from two samples, and the selected pair’s protocol', () => {
    const first = readStats({ video: video(100, 50_000), audio: null, transport }, null, 1000);
    expect(first.stats).toMatchObject({ framesDecoded: 100, fps: 0, frameWidth: 320, protocol: 'tcp' });
    const audio = report({ id: 'a', type: 'inbound-rtp', kind: 'audio', packetsReceived: 250 });
    const second = readStats({ video: video(150, 100_000), audio, transport }, first.sample, 3000);
    expect(second.stats).toMatchObject({ fps: 25, videoKbps: 200, audioPackets: 250 });
  });

  it('derives the repair traffic per packet received: NACKs sent and packets still lost', () => {
    const v = (packetsReceived: number, packetsLost: number, nackCount: number) => report({ id: 'v', type: 'inbound-rtp', kind: 'video', packetsReceived, packetsLost, nackCount });
    const first = readStats({ video: v(1000, 10, 40), audio: null, transport: null }, null, 0);
    expect(first.stats).toMatchObject({ nackPct: 0, lossPct: 0 });
    const second = readStats({ video: v(1200, 16, 56), audio: null, transport: null }, first.sample, 1000);
    expect(second.stats).toMatchObject({ nackPct: 8, lossPct: 3 });
  });

  it('reads nothing from empty or odd reports instead of failing', () => {
    const odd = report({ id: 'v', type: 'inbound-rtp', kind: 'video', framesDecoded: 'many' });
    expect(readStats({ video: odd, audio: null, transport: null }, null, 0).stats).toMatchObject({ framesDecoded: 0, protocol: null });
  });
});

describe('layerForWidth', () => {
  it.each([
    [320, 3, 0],
    [640, 3, 1],
    [1280, 3, 2],
    [1280, 1, 0],
  ])('width %i with %i layers → at most layer %i', (width, layers, expected) => {
    expect(layerForWidth(width, layers)).toBe(expected);
  });
});
