// Turns WebRTC getStats() reports into the plain figures the player shows and the adaptation decides on. Pure, so it
// is tested with recorded-shape reports.
import type { LiveStats } from '../stores/live-store.ts';

type StatsLike = { forEach(cb: (value: Record<string, unknown>) => void): void };
export type StatsSample = { at: number; framesDecoded: number; bytesReceived: number; packetsReceived: number; packetsLost: number; nackCount: number };

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function inbound(report: StatsLike | null, kind: 'audio' | 'video'): Record<string, unknown> | null {
  let found: Record<string, unknown> | null = null;
  report?.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === kind) found = s;
  });
  return found;
}

/** Protocol of the selected (nominated, succeeded) candidate pair's local candidate. */
function selectedProtocol(report: StatsLike | null): 'udp' | 'tcp' | null {
  if (!report) return null;
  const byId = new Map<string, Record<string, unknown>>();
  report.forEach((s) => byId.set(String(s.id), s));
  let selectedPairId: string | null = null;
  report.forEach((s) => {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') selectedPairId = s.selectedCandidatePairId;
  });
  let pair = selectedPairId ? byId.get(selectedPairId) : undefined;
  if (!pair) report.forEach((s) => {
    if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated === true) pair = s;
  });
  const local = pair ? byId.get(String(pair.localCandidateId)) : undefined;
  const protocol = local?.protocol;
  return protocol === 'udp' || protocol === 'tcp' ? protocol : null;
}

export function readStats(
  reports: { video: StatsLike | null; audio: StatsLike | null; transport: StatsLike | null },
  previous: StatsSample | null,
  at: number,
): { stats: LiveStats; sample: StatsSample } {
  const video = inbound(reports.video, 'video');
  const audio = inbound(reports.audio, 'audio');
  const framesDecoded = num(video?.framesDecoded);
  const bytesReceived = num(video?.bytesReceived);
  const packetsReceived = num(video?.packetsReceived);
  const packetsLost = num(video?.packetsLost);
  const nackCount = num(video?.nackCount);
  const seconds = previous ? (at - previous.at) / 1000 : 0;
  const fps = previous && seconds > 0 ? Math.max(0, (framesDecoded - previous.framesDecoded) / seconds) : 0;
  const videoKbps = previous && seconds > 0 ? Math.max(0, ((bytesReceived - previous.bytesReceived) * 8) / 1000 / seconds) : 0;
  // Repair traffic of the last interval, per packet received: NACKs the player sent (each asks again for packets the
  // link dropped) — what a lossy village link costs even when retransmission hides the loss itself — and packets
  // still missing after that.
  const received = previous ? packetsReceived - previous.packetsReceived : 0;
  const pct = (n: number) => (received > 0 ? Math.round((Math.max(0, n) / received) * 1000) / 10 : 0);
  const nackPct = previous ? pct(nackCount - previous.nackCount) : 0;
  const lossPct = previous ? pct(packetsLost - previous.packetsLost) : 0;
  return {
    stats: {
      framesDecoded,
      fps: Math.round(fps * 10) / 10,
      frameWidth: num(video?.frameWidth),
      frameHeight: num(video?.frameHeight),
      videoKbps: Math.round(videoKbps),
      audioPackets: num(audio?.packetsReceived),
      protocol: selectedProtocol(reports.transport),
      nackPct,
      lossPct,
    },
    sample: { at, framesDecoded, bytesReceived, packetsReceived, packetsLost, nackCount },
  };
}

/** Largest simulcast layer worth receiving for a player this wide (no 640-px layer for a thumbnail). */
export function layerForWidth(width: number, layers: number): number {
  const top = Math.max(0, layers - 1);
  if (width < 400) return Math.min(top, 0);
  if (width < 800) return Math.min(top, 1);
  return top;
}

/** Everything received on the transport (audio, every video, RTCP), kbit/s since the previous sample. */
export function transportKbps(report: StatsLike | null, previous: { at: number; bytes: number } | null, at: number): { kbps: number; sample: { at: number; bytes: number } } {
  let bytes = 0;
  report?.forEach((s) => {
    if (s.type === 'transport') bytes = Math.max(bytes, num(s.bytesReceived));
  });
  const seconds = previous ? (at - previous.at) / 1000 : 0;
  const kbps = previous && seconds > 0 ? Math.max(0, ((bytes - previous.bytes) * 8) / 1000 / seconds) : 0;
  return { kbps: Math.round(kbps), sample: { at, bytes } };
}
