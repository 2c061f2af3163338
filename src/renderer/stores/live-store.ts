// What the live player shows, as plain data. Written only by the LiveController (src/renderer/live/); the screen reads
// it and calls the controller's commands. Media tracks are not state: the controller hands the screen its MediaStreams.
import { create } from 'zustand';

export type LivePhase =
  /** First connection to the hub. */
  | 'connecting'
  /** Joined, the lead classroom is not broadcasting (not yet, or it stopped: `hasPlayed` tells which). */
  | 'waiting'
  | 'playing'
  /** The hub cannot be reached (socket or ICE lost): recovering by itself. */
  | 'reconnecting'
  /** The hub said no (not this classroom's lesson, revoked device, live unavailable): retrying would not help. */
  | 'refused'
  | 'stopped';

export type LiveStats = {
  framesDecoded: number;
  fps: number;
  frameWidth: number;
  frameHeight: number;
  videoKbps: number;
  audioPackets: number;
  /** Transport of the selected ICE candidate pair. */
  protocol: 'udp' | 'tcp' | null;
  /** NACKs sent per 100 video packets received in the last second: how much the link drops (before retransmission). */
  nackPct: number;
  /** Video packets still missing per 100 received in the last second (after retransmission). */
  lossPct: number;
};

export type LiveState = {
  lessonId: string | null;
  lessonTitle: string;
  phase: LivePhase;
  /** Named reason when refused (a LiveErrorCode) and the hub's message. */
  error: { code: string; message: string } | null;
  /** The teacher switched to audio only. */
  forcedLowBandwidth: boolean;
  /** The controller dropped video because it would not play on this link. */
  autoLowBandwidth: boolean;
  handRaised: boolean;
  /** The classroom's camera goes to the lead console. */
  cameraOn: boolean;
  /** Simulcast layer the SFU sends (0 = lowest), null before the first report. */
  spatialLayer: number | null;
  spatialLayers: number;
  /** Highest layer the client's adaptation allows right now. */
  layerCap: number;
  reconnects: number;
  /** The lesson played at least once in this session (so `waiting` means the broadcast stopped, not that it has not begun). */
  hasPlayed: boolean;
  /** When the current outage began (ms epoch), for "how long" and for offering the recording after a long one. */
  outageSince: number | null;
  stats: LiveStats;
};

export const emptyStats: LiveStats = { framesDecoded: 0, fps: 0, frameWidth: 0, frameHeight: 0, videoKbps: 0, audioPackets: 0, protocol: null, nackPct: 0, lossPct: 0 };

export const initialLiveState: LiveState = {
  lessonId: null,
  lessonTitle: '',
  phase: 'stopped',
  error: null,
  forcedLowBandwidth: false,
  autoLowBandwidth: false,
  handRaised: false,
  cameraOn: false,
  spatialLayer: null,
  spatialLayers: 1,
  layerCap: 0,
  reconnects: 0,
  hasPlayed: false,
  outageSince: null,
  stats: emptyStats,
};

export const useLive = create<LiveState>(() => initialLiveState);
