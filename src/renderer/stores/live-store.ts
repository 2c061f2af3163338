// What the live player shows, as plain data. Written only by the LiveController (src/renderer/live/); the screen reads
// it and calls the controller's commands. Media tracks are not state: the controller hands the screen its MediaStreams.
import { create } from 'zustand';
import type { QuizPush } from '../../shared/live-protocol.ts';

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

/** What the classroom receives: everything; audio + courseware (the camera dropped on a thin link); audio only. */
export type LiveMode = 'full' | 'slides' | 'audio';

/** Commands the class gives from the player; a failed one is shown with its own name and the reason. */
export type LiveCommand = 'raiseHand' | 'question' | 'camera' | 'lowBandwidth' | 'swap';

/** The courseware's video, decoded (the camera's is in `stats`). */
export type SourceStats = { framesDecoded: number; fps: number; frameWidth: number; frameHeight: number };

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
  /** Playing, but nothing arrived in the last second (a cut link the socket and ICE have not noticed yet), since when. */
  stalledSince: number | null;
  /** The camera's video (the teacher) and the audio. */
  stats: LiveStats;
  /** Which videos are on air: the teacher's camera, the courseware (slides, board, document camera). */
  sources: { camera: boolean; courseware: boolean };
  /** Which video fills the screen (the other is the inset); one tap swaps them. */
  main: 'courseware' | 'camera';
  mode: LiveMode;
  courseware: SourceStats;
  /** Everything this classroom receives (audio, videos, RTCP), kbit/s. */
  totalKbps: number;
  /** The SFU's bandwidth estimate towards this classroom, kbit/s (null before its first report). */
  availableKbps: number | null;
  /** 答题器: the question the lead teacher put on every classroom's screen. */
  quizPush: QuizPush | null;
  /** The last command that failed, and why (a LiveErrorCode, `timeout`, `closed`, or a device error name). */
  commandError: { command: LiveCommand; code: string; message: string } | null;
  /** The hub's clock minus this PC's, from the join answer (a PC with a flat CMOS battery is hours off). */
  serverOffsetMs: number;
  /** When the live stream last stopped for this classroom, by the hub's clock: where its recording picks up. */
  stoppedAt: number | null;
  /** The lead teacher ended the lesson (下课): its recording follows. */
  lessonEnded: boolean;
};

export const emptySourceStats: SourceStats = { framesDecoded: 0, fps: 0, frameWidth: 0, frameHeight: 0 };
export const emptyStats: LiveStats = { framesDecoded: 0, fps: 0, frameWidth: 0, frameHeight: 0, videoKbps: 0, audioPackets: 0, protocol: null, nackPct: 0, lossPct: 0 };

export const initialLiveState: LiveState = {
  lessonId: null,
  lessonTitle: '',
  phase: 'stopped',
  error: null,
  forcedLowBandwidth: false,
  handRaised: false,
  cameraOn: false,
  spatialLayer: null,
  spatialLayers: 1,
  layerCap: 0,
  reconnects: 0,
  hasPlayed: false,
  outageSince: null,
  stalledSince: null,
  stats: emptyStats,
  sources: { camera: false, courseware: false },
  main: 'courseware',
  mode: 'full',
  courseware: emptySourceStats,
  totalKbps: 0,
  availableKbps: null,
  quizPush: null,
  commandError: null,
  serverOffsetMs: 0,
  stoppedAt: null,
  lessonEnded: false,
};

export const useLive = create<LiveState>(() => initialLiveState);
