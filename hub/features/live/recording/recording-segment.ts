// One stretch of a live lesson's recording, while the set of things on air stays the same: each producer (camera,
// courseware, microphone) is consumed on its own PlainTransport and sent as RTP to one ffmpeg, which reads them from an
// SDP file and encodes H.264/AAC into Matroska files (readable even if the hub dies mid-lesson). The camera file always
// has video and audio (a plain card or silence stands in for a missing one), so every segment concatenates alike.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { types as ms } from 'mediasoup';
import type { VideoSource } from '../../../../src/shared/live-protocol.ts';
import { spawnFfmpeg, type FfmpegProcess } from './ffmpeg-process.ts';
import { sourceOf } from '../sfu/live-room.ts';
import { watchFirstFrames } from './first-frame-watch.ts';
import type { Timers } from '../../../../src/shared/timers.ts';
import { backgroundTimers } from '../../../core/background-timers.ts';

export type VideoFormat = { width: number; height: number; fps: number };
export type RecordingFormat = { camera: VideoFormat; courseware: VideoFormat };

/**
 * The camera at 960×540, 25 fps (a teacher on a classroom screen); the courseware at 1920×1080 and 5 fps (text on a
 * board stays sharp; slides hardly move). Fixed sizes: segments must match to be joined without re-encoding.
 */
export const DEFAULT_RECORDING_FORMAT: RecordingFormat = {
  camera: { width: 960, height: 540, fps: 25 },
  courseware: { width: 1920, height: 1080, fps: 5 },
};

/**
 * Identical H.264 settings for every segment and filler, so their files join with `-c copy`. Keyframe every 2 s for
 * seeking. superfast: the hub encodes while it forwards the lesson, and an encoder that falls behind under load only
 * delays the pack (everything buffered must be encoded at the end); the files are ~10 % larger than veryfast's.
 */
export function h264Args(format: VideoFormat): string[] {
  const gop = String(format.fps * 2);
  // A ceiling on top of the quality target: the pack crosses village links (a busy camera picture at 960×540 × 25 would
  // otherwise take ~2 Mbit/s). About 900 kbit/s for the camera, 720 for 1080p slides at 5 fps.
  const maxKbps = Math.round(Math.min(1500, Math.max(200, (format.width * format.height * format.fps) / 14_400)));
  return [
    '-c:v', 'libx264', '-preset', 'superfast', '-crf', '26', '-maxrate', `${maxKbps}k`, '-bufsize', `${maxKbps * 2}k`,
    '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-g', gop, '-keyint_min', gop, '-sc_threshold', '0',
  ];
}
export const AAC_ARGS = ['-c:a', 'aac', '-b:a', '64k', '-ac', '1', '-ar', '48000'];
export const FILLER_COLOR = '0x1d2733';

export function fitFilter(input: string, format: VideoFormat, output: string): string {
  const { width: w, height: h, fps } = format;
  return `[${input}]scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=${FILLER_COLOR},fps=${fps},format=yuv420p[${output}]`;
}

export type SegmentSources = { camera: boolean; courseware: boolean; audio: boolean };
export type RecordingSegment = {
  dir: string;
  startedAt: Date;
  sources: SegmentSources;
  /** Ends the segment: ffmpeg closes its files, the transports go. Resolves with ffmpeg's last words if it failed. */
  stop(): Promise<{ endedAt: Date; error: string | null }>;
  /** Resolves if ffmpeg exits by itself (a crash): the recorder then starts a new segment. */
  exited: Promise<number | null>;
  /** ffmpeg's pid, kept in the session so that the next hub can end it if this one is killed (orphan-ffmpeg.ts). */
  pid: number | null;
  /** How the first-frame watch ended: `gave_up` = no picture even after asking again (first-frame-watch.ts). */
  firstFrames: Promise<'written' | 'gave_up' | 'stopped'>;
};

export type StartSegmentOptions = {
  router: ms.Router;
  producers: ms.Producer[];
  dir: string;
  format: RecordingFormat;
  now: () => Date;
  ffmpegPath?: string;
  log?: (line: string) => void;
  /** For the first-frame watch (first-frame-watch.ts). */
  timers?: Timers;
  firstFrameWatch?: { everyMs?: number; maxAsks?: number };
};

/** Two free consecutive UDP ports, the first even (RTP on it, RTCP on the next, as ffmpeg's SDP reader expects). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const a = createSocket('udp4');
    a.bind(0, '127.0.0.1');
    await once(a, 'listening');
    const port = a.address().port;
    if (port % 2 === 1 || port >= 65535) {
      a.close();
      continue;
    }
    const b = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      b.once('error', () => resolve(false));
      b.bind(port + 1, '127.0.0.1', () => resolve(true));
    });
    a.close();
    b.close();
    if (ok) return port;
  }
  throw new Error('no free UDP port pair for the recorder');
}

/** True once someone (ffmpeg) has bound the port. */
async function portTaken(port: number): Promise<boolean> {
  const probe = createSocket('udp4');
  return new Promise((resolve) => {
    probe.once('error', () => resolve(true));
    probe.bind(port, '127.0.0.1', () => {
      probe.close();
      resolve(false);
    });
  });
}

/** What the recorder can receive: Opus and VP8 as the router offers them, no retransmission streams or header extensions. */
function recorderCaps(router: ms.Router): ms.RtpCapabilities {
  const codecs = (router.rtpCapabilities.codecs ?? []).filter((c) => c.mimeType === 'audio/opus' || c.mimeType === 'video/VP8');
  return { codecs: codecs.map((c) => ({ ...c, rtcpFeedback: c.kind === 'video' ? [{ type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] : [] })), headerExtensions: [] };
}

type Leg = { source: VideoSource | 'audio'; transport: ms.PlainTransport; consumer: ms.Consumer; port: number };

function sdpFor(legs: Leg[]): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=lesson', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const leg of legs) {
    const codec = leg.consumer.rtpParameters.codecs[0];
    if (!codec) throw new Error(`consumer ${leg.consumer.id} has no codec`);
    const kind = leg.consumer.kind;
    const name = kind === 'audio' ? `opus/48000/2` : `VP8/90000`;
    lines.push(`m=${kind} ${leg.port} RTP/AVP ${codec.payloadType}`, `a=rtpmap:${codec.payloadType} ${name}`, 'a=recvonly');
  }
  return lines.join('\r\n') + '\r\n';
}

export function segmentFfmpegArgs(legs: Pick<Leg, 'source'>[], format: RecordingFormat): string[] {
  const index = (source: Leg['source']) => {
    const ofKind = legs.filter((l) => (l.source === 'audio') === (source === 'audio'));
    return ofKind.findIndex((l) => l.source === source);
  };
  const has = (source: Leg['source']) => legs.some((l) => l.source === source);
  const inputs = ['-protocol_whitelist', 'file,udp,rtp', '-reorder_queue_size', '128', '-analyzeduration', '3000000', '-f', 'sdp', '-i', 'segment.sdp'];
  let next = 1;
  const cameraIn = has('camera') ? `0:v:${index('camera')}` : `${next++}:v`;
  if (!has('camera')) inputs.push('-re', '-f', 'lavfi', '-i', `color=c=${FILLER_COLOR}:s=${format.camera.width}x${format.camera.height}:r=${format.camera.fps}`);
  const audioIn = has('audio') ? `0:a:${index('audio')}` : `${next++}:a`;
  if (!has('audio')) inputs.push('-re', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono');
  const filters = [fitFilter(cameraIn, format.camera, 'cam')];
  if (has('courseware')) filters.push(fitFilter(`0:v:${index('courseware')}`, format.courseware, 'cw'));
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    ...inputs,
    '-filter_complex', filters.join(';'),
    '-map', '[cam]', '-map', audioIn, ...h264Args(format.camera), ...AAC_ARGS, ...MKV_ARGS, 'camera.mkv',
    ...(has('courseware') ? ['-map', '[cw]', ...h264Args(format.courseware), ...MKV_ARGS, 'courseware.mkv'] : []),
  ];
}

/**
 * An RTCP BYE to each stream's RTCP port, as its sender would say it is done. An RTP input has no end of its own: ffmpeg
 * reading one that went silent (the sources vanished: broadcast stopped, console gone) waits 10 s for packets before it
 * gives up, and a single SIGTERM does not interrupt that wait. A BYE on every stream is the end of the SDP input
 * (ffmpeg counts them), so it finishes its files at once, whether the sources are still sending or long gone.
 */
export async function sayBye(legs: { ssrc: number; port: number }[]): Promise<void> {
  const socket = createSocket('udp4');
  try {
    for (const leg of legs) {
      const ssrc = leg.ssrc;
      // A compound packet, as RTCP must be (and ffmpeg drops packets under 12 bytes): an empty receiver report, then BYE.
      const bye = Buffer.alloc(16);
      bye.writeUInt8(0x80, 0); // version 2, no report blocks
      bye.writeUInt8(201, 1); // RR
      bye.writeUInt16BE(1, 2); // length in 32-bit words, minus one
      bye.writeUInt32BE(ssrc >>> 0, 4);
      bye.writeUInt8(0x81, 8); // version 2, one SSRC
      bye.writeUInt8(203, 9); // BYE
      bye.writeUInt16BE(1, 10);
      bye.writeUInt32BE(ssrc >>> 0, 12);
      await new Promise<void>((resolve) => socket.send(bye, leg.port + 1, '127.0.0.1', () => resolve()));
    }
  } finally {
    socket.close();
  }
}

/** One-second clusters written out at once: a hub that dies mid-lesson loses at most a second of recording. */
const MKV_ARGS = ['-f', 'matroska', '-cluster_time_limit', '1000', '-flush_packets', '1'];

export async function startSegment(options: StartSegmentOptions): Promise<RecordingSegment> {
  const { router, dir } = options;
  await mkdir(dir, { recursive: true });
  const caps = recorderCaps(router);
  const legs: Leg[] = [];
  const closeLegs = () => legs.forEach((l) => l.transport.close());
  let ffmpeg: FfmpegProcess | null = null;
  try {
    for (const producer of options.producers) {
      const source = producer.kind === 'audio' ? 'audio' : (sourceOf(producer) as VideoSource);
      if (legs.some((l) => l.source === source) || !router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) continue;
      const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: false });
      const port = await freePortPair();
      legs.push({ source, transport, port, consumer: await transport.consume({ producerId: producer.id, rtpCapabilities: caps, paused: true }) });
    }
    await writeFile(join(dir, 'segment.sdp'), sdpFor(legs));
    const args = segmentFfmpegArgs(legs, options.format);
    ffmpeg = spawnFfmpeg(args, { cwd: dir, ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}) });
    const running = ffmpeg;
    let exited = false;
    void running.exited.then(() => (exited = true));
    // Packets sent before ffmpeg listens would be lost, and with them the first keyframe: wait until it has its ports.
    for (const leg of legs) {
      const deadline = Date.now() + 10_000;
      while (!(await portTaken(leg.port))) {
        if (exited || Date.now() > deadline) throw new Error(`recorder ffmpeg did not start: ${running.output().trim() || 'no output'}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await leg.transport.connect({ ip: '127.0.0.1', port: leg.port, rtcpPort: leg.port + 1 });
    }
    const startedAt = options.now();
    for (const leg of legs) {
      if (leg.consumer.type === 'simulcast') await leg.consumer.setPreferredLayers({ spatialLayer: 3 }); // the best layer
      await leg.consumer.resume();
      if (leg.consumer.kind === 'video') await leg.consumer.requestKeyFrame();
    }
    const outputs = ['camera.mkv', ...(legs.some((l) => l.source === 'courseware') ? ['courseware.mkv'] : [])];
    const firstFrames = watchFirstFrames({
      written: async () => (await Promise.all(outputs.map(async (file) => ((await stat(join(dir, file)).catch(() => null))?.size ?? 0) > 0))).every(Boolean),
      askKeyFrame: async () => {
        for (const leg of legs) if (leg.consumer.kind === 'video' && !leg.consumer.closed) await leg.consumer.requestKeyFrame();
      },
      timers: options.timers ?? backgroundTimers,
      log: (line) => options.log?.(`${basename(dir)}: ${line}`),
      ...options.firstFrameWatch,
    });
    void running.exited.then(() => firstFrames.stop());
    return {
      dir,
      startedAt,
      sources: { camera: legs.some((l) => l.source === 'camera'), courseware: legs.some((l) => l.source === 'courseware'), audio: legs.some((l) => l.source === 'audio') },
      exited: running.exited,
      pid: running.pid(),
      firstFrames: firstFrames.done,
      async stop() {
        firstFrames.stop();
        await sayBye(legs.map((l) => ({ ssrc: l.consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0, port: l.port })));
        const code = await running.stop();
        const endedAt = options.now();
        closeLegs();
        // 255: ffmpeg's exit code after SIGTERM when it had to interrupt its input; the files are complete.
        const error = code === 0 || code === 255 ? null : `ffmpeg exited with ${String(code)}: ${running.output().trim()}`;
        return { endedAt, error };
      },
    };
  } catch (error) {
    await ffmpeg?.stop();
    closeLegs();
    throw error;
  }
}
