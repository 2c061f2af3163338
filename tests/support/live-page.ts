// Helpers for live-lesson tests and benchmarks: drive the real renderer into the live player and read what it
// decoded (the player mirrors getStats() of its consumers into data-* attributes), and talk raw signalling from Node.
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { LIVE_PROTOCOL_VERSION, LIVE_WS_PATH, LiveServerMessage, type LiveMethod } from '../../src/shared/live-protocol.ts';
import { waitFor } from './ports.ts';
import { enrollInPage } from './enroll-page.ts';
import { repoRoot } from './hub-process.ts';

export const DEMO_LIVE_LESSON = { id: 'les-live-demo', title: '直播：有理数的乘法' } as const;
/** A classroom board (教学一体机) at the common 1366×768. */
export const BOARD = { width: 1366, height: 768 } as const;
/**
 * Chromium for live tests. The hub listens on loopback only (traffic stays on 127.0.0.1), and Chromium pairs UDP with
 * a loopback candidate only with this flag — without it a same-machine test would measure ICE-TCP, not the UDP a
 * classroom gets from a hub that announces a reachable address (see rtcListenInfos in hub/features/live/sfu/live-sfu.ts).
 */
export const LIVE_CHROMIUM_ARGS = ['--autoplay-policy=no-user-gesture-required', '--allow-loopback-in-peer-connection'];

/** The player's status line (empty while playing). */
export async function liveStatusText(page: Page): Promise<string> {
  const status = page.getByTestId('live-status');
  return (await status.count()) > 0 ? ((await status.textContent()) ?? '') : '';
}

/** Resolves when the player plays again after an outage: phase playing and frames decoding past `frozen`. */
export async function waitPlayingAgain(page: Page, frozen: number, timeoutMs: number): Promise<PlayerReading> {
  await waitFor(
    async () => {
      const r = await readPlayer(page);
      return r.phase === 'playing' && r.framesDecoded > 0 && r.framesDecoded !== frozen ? true : undefined;
    },
    'playing again',
    timeoutMs,
    50,
  );
  return framesAdvance(page, 10, 15_000);
}

export type PlayerReading = {
  phase: string;
  framesDecoded: number;
  audioPackets: number;
  frameWidth: number;
  protocol: string;
  spatialLayer: string;
  fps: number;
  reconnects: number;
  nackPct: number;
  lossPct: number;
  /** full / slides (audio + courseware) / audio. */
  mode: string;
  /** Which video fills the screen: courseware or camera. */
  main: string;
  /** On air: 'camera', 'courseware', both (space separated). */
  sources: string;
  coursewareFrames: number;
  coursewareFps: number;
  coursewareWidth: number;
  /** Everything received (audio, videos, RTCP), kbit/s. */
  totalKbps: number;
};

export async function readPlayer(page: Page): Promise<PlayerReading> {
  const el = page.getByTestId('live-player');
  const attr = async (name: string) => (await el.getAttribute(`data-${name}`)) ?? '';
  return {
    phase: await attr('phase'),
    framesDecoded: Number(await attr('frames-decoded')),
    audioPackets: Number(await attr('audio-packets')),
    frameWidth: Number(await attr('frame-width')),
    protocol: await attr('protocol'),
    spatialLayer: await attr('spatial-layer'),
    fps: Number(await attr('fps')),
    reconnects: Number(await attr('reconnects')),
    nackPct: Number(await attr('nack-pct')),
    lossPct: Number(await attr('loss-pct')),
    mode: await attr('mode'),
    main: await attr('main'),
    sources: await attr('sources'),
    coursewareFrames: Number(await attr('courseware-frames')),
    coursewareFps: Number(await attr('courseware-fps')),
    coursewareWidth: Number(await attr('courseware-width')),
    totalKbps: Number(await attr('total-kbps')),
  };
}

/**
 * Enrolls the page with a demo code, opens the live lesson from today's timetable and taps 进入直播 — at once, or
 * after `dwellMs` on the lesson's page (as a teacher reads it; the app prepares the connection meanwhile).
 */
export async function enrollAndEnterLive(page: Page, code: string, syncTimeoutMs = 30_000, dwellMs = 0): Promise<number> {
  await enrollInPage(page, code);
  await page.getByText(DEMO_LIVE_LESSON.title).first().click({ timeout: syncTimeoutMs });
  if (dwellMs > 0) await new Promise((r) => setTimeout(r, dwellMs));
  const clickedAt = Date.now();
  await page.getByRole('button', { name: /进入直播/ }).click();
  return clickedAt;
}

/** Resolves when framesDecoded grows by at least `frames` from the first reading (or throws after timeoutMs). */
export async function framesAdvance(page: Page, frames: number, timeoutMs: number): Promise<PlayerReading> {
  const start = (await readPlayer(page)).framesDecoded;
  return waitFor(
    async () => {
      const r = await readPlayer(page);
      return r.framesDecoded >= start + frames ? r : undefined;
    },
    `${frames} more decoded frames`,
    timeoutMs,
    100,
  );
}

/** A raw signalling client (what a hostile or broken peer, or the lead console, would send). */
export async function rawLiveSocket(hubUrl: string) {
  const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}${LIVE_WS_PATH}`);
  const messages: LiveServerMessage[] = [];
  ws.on('message', (raw: Buffer) => {
    const parsed = LiveServerMessage.safeParse(JSON.parse(raw.toString()));
    if (parsed.success) messages.push(parsed.data);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let nextId = 1;
  const next = (pred: (m: LiveServerMessage) => boolean, timeoutMs = 10_000) =>
    waitFor(() => Promise.resolve(messages.find(pred)), 'a signalling message', timeoutMs, 50);
  return {
    ws,
    messages,
    next,
    async call(method: LiveMethod, data: unknown) {
      const id = nextId++;
      ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id, method, data }));
      return next((m) => m.kind === 'response' && m.id === id);
    },
  };
}

export async function enrollDevice(hubUrl: string, code: string): Promise<string> {
  const res = await fetch(`${hubUrl}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'probe' }) });
  const body = (await res.json()) as { device: { token: string } };
  return body.device.token;
}

/** Enrolls, taps 进入直播 and returns milliseconds from the tap to the first decoded frame. */
export async function joinToFirstFrameMs(page: Page, code: string, timeoutMs = 60_000, dwellMs = 0): Promise<number> {
  return (await joinToFirstFrame(page, code, timeoutMs, dwellMs)).ms;
}

/** As joinToFirstFrameMs, with the moment of the tap (this process's clock) to read a join trace against. */
export async function joinToFirstFrame(page: Page, code: string, timeoutMs = 60_000, dwellMs = 0): Promise<{ clickedAt: number; ms: number }> {
  const clickedAt = await enrollAndEnterLive(page, code, timeoutMs, dwellMs);
  // Seen inside the page on each animation frame, on the page's clock (this machine's): polling from here costs a
  // round trip to the browser per attribute, which added 100–300 ms to the figure on a loaded machine.
  const seen = await page.waitForFunction(
    () => (Number(document.querySelector('[data-testid="live-player"]')?.getAttribute('data-frames-decoded') ?? 0) > 0 ? Date.now() : 0),
    undefined,
    { polling: 'raf', timeout: timeoutMs },
  );
  return { clickedAt, ms: (await seen.jsonValue()) - clickedAt };
}

/** Decoded frames per second over `ms`. */
export async function decodedFps(page: Page, ms: number): Promise<number> {
  const before = (await readPlayer(page)).framesDecoded;
  await new Promise((r) => setTimeout(r, ms));
  return ((await readPlayer(page)).framesDecoded - before) / (ms / 1000);
}

/**
 * Milliseconds until decoding resumes after `frozen` (the count when the outage ended): the count moves on, or — after
 * a transport recreate, whose new consumer counts from 0 — it is non-zero again.
 */
export async function waitDecodingResumed(page: Page, frozen: number, timeoutMs: number): Promise<number> {
  const from = Date.now();
  await waitFor(
    async () => {
      const { framesDecoded } = await readPlayer(page);
      return framesDecoded > 0 && framesDecoded !== frozen ? true : undefined;
    },
    'decoding after the outage',
    timeoutMs,
    20,
  );
  return Date.now() - from;
}

/**
 * The lead console's signalling from a process (console-probe.ts) started with `spawnFn` — in the hub's namespace on
 * a weak-link rig, so the console sits next to the hub as a lead classroom would. Resolves once it has joined.
 */
export async function consoleProbe(spawnFn: (cmd: string, args: string[], opts: { cwd: string }) => ChildProcess, hubUrl: string, lessonId: string, token: string) {
  const child = spawnFn(process.execPath, ['--import', 'tsx', 'tests/support/console-probe.ts', hubUrl, lessonId, token], { cwd: repoRoot });
  const messages: LiveServerMessage[] = [];
  let errors = '';
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const parsed = LiveServerMessage.safeParse(JSON.parse(line));
    if (parsed.success) messages.push(parsed.data);
  });
  child.stderr?.on('data', (d: Buffer) => (errors += d.toString()));
  const next = (pred: (m: LiveServerMessage) => boolean, timeoutMs = 20_000) =>
    waitFor(() => Promise.resolve(messages.find(pred)), `a console message${errors ? ` (${errors.trim()})` : ''}`, timeoutMs, 50);
  await next((m) => m.kind === 'response' && m.id === 0 && m.ok);
  let nextId = 1;
  return {
    messages,
    next,
    /** Sends without waiting (the caller times what follows); the response arrives in `messages`. */
    send(method: LiveMethod, data: unknown): number {
      const id = nextId++;
      child.stdin?.write(`${JSON.stringify({ id, method, data })}\n`);
      return id;
    },
    async call(method: LiveMethod, data: unknown) {
      const id = this.send(method, data);
      return next((m) => m.kind === 'response' && m.id === id);
    },
    close() {
      child.kill('SIGTERM');
    },
  };
}

/** Average of the player's own figures over `seconds`: slides fps, audio packets/s, everything received in kbit/s. */
export async function thinLinkFigures(page: Page, seconds: number) {
  const first = await readPlayer(page);
  const kbps: number[] = [];
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    kbps.push((await readPlayer(page)).totalKbps);
  }
  const last = await readPlayer(page);
  return {
    slidesFps: (last.coursewareFrames - first.coursewareFrames) / seconds,
    cameraFps: (last.framesDecoded - first.framesDecoded) / seconds,
    audioPacketsPerS: (last.audioPackets - first.audioPackets) / seconds,
    kbps: kbps.reduce((a, b) => a + b, 0) / kbps.length,
    mode: last.mode,
  };
}

