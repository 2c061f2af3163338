// Headless broadcaster for demos and tests: ffmpeg encodes a test pattern (or a video file) as three VP8 simulcast
// layers plus Opus, and sends RTP to the room's PlainTransports. ffmpeg gives each output its own UDP socket, but a
// comedia PlainTransport accepts one source address, so a tiny relay forwards all video layers from one socket.
// ffmpeg ignores keyframe requests: a short GOP bounds how long a new viewer (or a layer switch) waits for a keyframe.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import type { IngestRequest, IngestResponse } from '../../src/shared/live-protocol.ts';

const WIDTH = 640;
const HEIGHT = 360;
const FPS = 25;
/** Keyframe every 0.4 s: join and layer switches wait at most that long for a picture. */
const GOP = 10;

/** Lowest layer first, as mediasoup orders simulcast encodings. */
export function defaultIngestRequest(): IngestRequest {
  return {
    video: [
      { ssrc: 31110001, maxBitrate: 120_000, scaleDown: 4 },
      { ssrc: 31110002, maxBitrate: 350_000, scaleDown: 2 },
      { ssrc: 31110003, maxBitrate: 1_000_000, scaleDown: 1 },
    ],
    audioSsrc: 31110009,
    videoPayloadType: 101,
    audioPayloadType: 100,
  };
}

export type FfmpegBroadcast = { stop(): Promise<void>; exited: Promise<number | null>; output(): string };

export type BroadcastOptions = {
  request: IngestRequest;
  target: IngestResponse;
  /** A video file to loop instead of the test pattern. */
  file?: string;
  ffmpegPath?: string;
};

// ffmpeg must not outlive its owner (a hub killed with SIGKILL in an outage test would leave it sending forever): a shell
// watchdog stops it when the owner process is gone, and forwards SIGTERM.
const WATCHDOG = `"$@" & pid=$!
trap 'kill $pid 2>/dev/null; wait $pid; exit 0' TERM INT
while kill -0 $pid 2>/dev/null; do
  kill -0 $OWNER_PID 2>/dev/null || { kill $pid; exit 0; }
  sleep 1
done
wait $pid`;

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

export function ffmpegArgs(options: BroadcastOptions, relayRtp: number, relayRtcp: number): string[] {
  const { request, target } = options;
  const input = options.file
    ? ['-re', '-stream_loop', '-1', '-i', options.file]
    : ['-re', '-f', 'lavfi', '-i', `testsrc2=size=${WIDTH}x${HEIGHT}:rate=${FPS}`, '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:beep_factor=4'];
  const audioInput = options.file ? '0:a' : '1:a';
  const layers = request.video;
  const split = layers.map((_, i) => `[v${i}]`).join('');
  const scales = layers.map((l, i) => `[v${i}]scale=${Math.round(WIDTH / l.scaleDown / 2) * 2}:${Math.round(HEIGHT / l.scaleDown / 2) * 2},fps=${FPS}[o${i}]`);
  const filter = `[0:v]split=${layers.length}${split};${scales.join(';')}`;
  const videoOutputs = layers.flatMap((l, i) => [
    '-map', `[o${i}]`, '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1',
    '-b:v', String(Math.round(l.maxBitrate * 0.85)), '-maxrate', String(l.maxBitrate), '-bufsize', String(l.maxBitrate),
    '-g', String(GOP), '-keyint_min', String(GOP), '-auto-alt-ref', '0', '-error-resilient', '1', '-pix_fmt', 'yuv420p',
    '-ssrc', String(l.ssrc), '-payload_type', String(request.videoPayloadType),
    '-f', 'rtp', `rtp://127.0.0.1:${relayRtp}?rtcpport=${relayRtcp}&pkt_size=1200`,
  ]);
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    ...input,
    '-filter_complex', filter,
    ...videoOutputs,
    '-map', audioInput, '-c:a', 'libopus', '-ac', '2', '-ar', '48000', '-b:a', '48k', '-application', 'voip',
    '-ssrc', String(request.audioSsrc), '-payload_type', String(request.audioPayloadType),
    '-f', 'rtp', `rtp://${target.audio.ip}:${target.audio.rtpPort}?rtcpport=${target.audio.rtcpPort}&pkt_size=1200`,
  ];
}

export async function startFfmpegBroadcast(options: BroadcastOptions): Promise<FfmpegBroadcast> {
  const { video } = options.target;
  const rtp = await relay(video.ip, video.rtpPort);
  const rtcp = await relay(video.ip, video.rtcpPort);
  const port = (s: Socket) => s.address().port;
  const child: ChildProcess = spawn('sh', ['-c', WATCHDOG, 'sh', options.ffmpegPath ?? 'ffmpeg', ...ffmpegArgs(options, port(rtp), port(rtcp))], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, OWNER_PID: String(process.pid) },
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      rtp.close();
      rtcp.close();
      resolve(code);
    });
    child.once('error', () => resolve(-1));
  });
  return {
    exited,
    output: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
