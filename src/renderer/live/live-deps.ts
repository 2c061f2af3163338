// What the LiveController is given rather than reaching for: store, activity bus, timers, clock, randomness, the
// Device and WebSocket factories, and where its results go (the classroom's database, the log). Tests pass fakes.
import type { Device } from 'mediasoup-client';
import type { QuizPush } from '../../shared/live-protocol.ts';
import type { LiveState } from '../stores/live-store.ts';
import type { LiveActivity } from './live-events.ts';

export type LiveStore = { getState(): LiveState; setState(patch: Partial<LiveState>): void };
type TimerHandle = ReturnType<typeof setTimeout>;
export type LiveTimers = {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
};
/** The part of mediasoup-client's Device the controller uses (tests pass a fake). */
export type LiveDevice = Pick<Device, 'loaded' | 'load' | 'rtpCapabilities' | 'createRecvTransport' | 'createSendTransport'>;

export type LiveControllerDeps = {
  hubUrl: string;
  /** Where to join now: the school edge while it answers, else the county hub (sync/edge-route.ts); default hubUrl. */
  serverUrl?: () => string;
  /** Joining at `url` failed, and not by a final refusal (code: the hub's, or `closed`/`timeout`): the route may drop it. */
  onServerFailed?: (url: string, code: string) => void;
  /** Subscribes to "where to join may have changed" (the edge is back); returns the unsubscribe. */
  watchServer?: (listener: () => void) => () => void;
  token: string;
  lessonId: string;
  createWebSocket: (url: string) => WebSocket;
  keepAwake: (on: boolean) => Promise<void>;
  viewportWidth: () => number;
  store?: LiveStore;
  /** The activity bus (live-events.ts): downloads yield while a lesson plays. */
  onActivity?: (activity: LiveActivity) => void;
  timers?: LiveTimers;
  now?: () => number;
  random?: () => number;
  createDevice?: () => Promise<LiveDevice>;
  createStream?: () => MediaStream;
  /** The hub's router capabilities if already known (router-caps.ts): the join then sets up media in one round trip. */
  routerCaps?: () => Record<string, unknown> | null;
  /** 答题器: a pushed question is stored with its quiz (so the quiz runner records answers through the outbox). */
  onQuizPush?: (push: QuizPush) => Promise<void>;
  /** The live stream stopped for this classroom at this hub-clock time (ms): where its recording should pick up. */
  onStopped?: (hubMs: number) => void;
  /** The lesson's recording pack is on the hub: the download manager can list it now. */
  onRecordingReady?: () => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** ICE-TCP only: for a school whose firewall drops UDP (ICE finds TCP by itself too; this skips the UDP wait). */
  forceTcp?: boolean;
};


export const browserTimers: LiveTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h),
};
