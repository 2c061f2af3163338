// Headless broadcaster for demos and tests: ffmpeg encodes a test pattern (or a video file) as three VP8 simulcast
// layers plus Opus and, on request, slides as a second two-layer source (courseware), and sends RTP to the room's
// PlainTransports. ffmpeg gives each output its own UDP socket, but a
// comedia PlainTransport accepts one source address, so a tiny relay forwards all video layers from one socket.
// ffmpeg ignores keyframe requests: a short GOP bounds how long a new viewer (or a layer switch) waits for a keyframe.
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import type { IngestRequest, IngestResponse } from '../../../../src/shared/live-protocol.ts';
import { spawnFfmpeg } from '../recording/ffmpeg-process.ts';
import { SLIDES_GOP, slidesFilter, slidesInputArgs } from './slides-source.ts';

const WIDTH = 640;
const HEIGHT = 360;
const FPS = 25;
/** Keyframe every 0.4 s: join and layer switches wait at most that long for a picture. */
const GOP = 10;

/**
 * Lowest layer first, as mediasoup orders simulcast encodings. The courseware's low layer (960×540 still slides) is
 * what a thin link keeps with the audio: ≤ 60 kbps of slides + 32 kbps Opus stays under 120 kbps with packet overhead.
 */
export function defaultIngestRequest(options: { courseware?: boolean } = {}): IngestRequest {
  return {
    video: [
      { ssrc: 31110001, maxBitrate: 120_000, scaleDown: 4 },
      { ssrc: 31110002, maxBitrate: 350_000, scaleDown: 2 },
      { ssrc: 31110003, maxBitrate: 1_000_000, scaleDown: 1 },
    ],
    audioSsrc: 31110009,
    videoPayloadType: 101,
    audioPayloadType: 100,
    ...(options.courseware
      ? {
          courseware: {
            video: [
              { ssrc: 31110011, maxBitrate: 60_000, scaleDown: 2 },
              { ssrc: 31110012, maxBitrate: 400_000, scaleDown: 1 },
            ],
          },
        }
      : {}),
  };
}

export type FfmpegBroadcast = { stop(): Promise<void>; exited: Promise<number | null>; output(): string };

export type BroadcastOptions = {
  request: IngestRequest;
  target: IngestResponse;
  /** A video file to loop instead of the test pattern. */
  file?: string;
  /** A folder of slide images for the courseware source (default: generated slides), when the request has courseware. */
  slides?: string;
  ffmpegPath?: string;
};

type RelayPorts = { rtp: number; rtcp: number };

function vp8Output(input: string, layer: IngestRequest['video'][number], payloadType: number, gop: number, to: RelayPorts): string[] {
  return [
    '-map', input, '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1',
    '-b:v', String(Math.round(layer.maxBitrate * 0.85)), '-maxrate', String(layer.maxBitrate), '-bufsize', String(layer.maxBitrate),
    '-g', String(gop), '-keyint_min', String(gop), '-auto-alt-ref', '0', '-error-resilient', '1', '-pix_fmt', 'yuv420p',
    '-ssrc', String(layer.ssrc), '-payload_type', String(payloadType),
    '-f', 'rtp', `rtp://127.0.0.1:${to.rtp}?rtcpport=${to.rtcp}&pkt_size=1200`,
  ];
}

async function relay(toIp: string, toPort: number): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    if (from.port === toPort && from.address === toIp) return; // the SFU's receiver reports: ffmpeg would ignore them
    socket.send(msg, toPort, toIp);
  });
  socket.on('error', () => undefined); // ICMP unreachable while the hub restarts must not kill the broadcaster
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return socket;
}

export function ffmpegArgs(options: BroadcastOptions, camera: RelayPorts, courseware?: RelayPorts): string[] {
  const { request, target } = options;
  const input = options.file
    ? ['-re', '-stream_loop', '-1', '-i', options.file]
    : ['-re', '-f', 'lavfi', '-i', `testsrc2=size=${WIDTH}x${HEIGHT}:rate=${FPS}`, '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:beep_factor=4'];
  const audioInput = options.file ? '0:a' : '1:a';
  const slidesIndex = options.file ? 1 : 2;
  const layers = request.video;
  const split = layers.map((_, i) => `[v${i}]`).join('');
  const scales = layers.map((l, i) => `[v${i}]scale=${Math.round(WIDTH / l.scaleDown / 2) * 2}:${Math.round(HEIGHT / l.scaleDown / 2) * 2},fps=${FPS}[o${i}]`);
  const filters = [`[0:v]split=${layers.length}${split}`, ...scales];
  const slides = request.courseware && courseware ? request.courseware.video : [];
  if (slides.length > 0) {
    filters.push(slidesFilter(`${slidesIndex}:v`, 'slides'), `[slides]split=${slides.length}${slides.map((_, i) => `[s${i}]`).join('')}`);
    slides.forEach((l, i) => filters.push(`[s${i}]scale=iw/${l.scaleDown}:ih/${l.scaleDown}[c${i}]`));
  }
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    ...input,
    ...(slides.length > 0 ? slidesInputArgs(options.slides) : []),
    '-filter_complex', filters.join(';'),
    ...layers.flatMap((l, i) => vp8Output(`[o${i}]`, l, request.videoPayloadType, GOP, camera)),
    ...(courseware ? slides.flatMap((l, i) => vp8Output(`[c${i}]`, l, request.videoPayloadType, SLIDES_GOP, courseware)) : []),
    // 32 kbps: speech stays clear, and a thin link keeps audio + slides under 120 kbps.
    '-map', audioInput, '-c:a', 'libopus', '-ac', '2', '-ar', '48000', '-b:a', '32k', '-application', 'voip',
    '-ssrc', String(request.audioSsrc), '-payload_type', String(request.audioPayloadType),
    '-f', 'rtp', `rtp://${target.audio.ip}:${target.audio.rtpPort}?rtcpport=${target.audio.rtcpPort}&pkt_size=1200`,
  ];
}

export async function startFfmpegBroadcast(options: BroadcastOptions): Promise<FfmpegBroadcast> {
  const { video, courseware } = options.target;
  const sockets: Socket[] = [];
  const relayPair = async (target: { ip: string; rtpPort: number; rtcpPort: number }): Promise<RelayPorts> => {
    const rtp = await relay(target.ip, target.rtpPort);
    const rtcp = await relay(target.ip, target.rtcpPort);
    sockets.push(rtp, rtcp);
    return { rtp: rtp.address().port, rtcp: rtcp.address().port };
  };
  const cameraPorts = await relayPair(video);
  const coursewarePorts = courseware && options.request.courseware ? await relayPair(courseware) : undefined;
  const ffmpeg = spawnFfmpeg(ffmpegArgs(options, cameraPorts, coursewarePorts), options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {});
  const exited = ffmpeg.exited.then((code) => {
    for (const s of sockets) s.close();
    return code;
  });
  return {
    exited,
    output: () => ffmpeg.output(),
    async stop() {
      await ffmpeg.stop();
      await exited;
    },
  };
}
