// Can a receiving PC play this file? Classroom PCs run Chromium-based players without proprietary HEVC decoders, so
// anything but H.264/VP8/VP9/AV1 video with AAC/MP3/Opus/Vorbis audio in MP4/WebM is transcoded (H.264 + AAC MP4,
// +faststart so playback starts before the whole file is read) or, when ffmpeg cannot, refused with the reason.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';

const run = promisify(execFile);

const Probe = z.object({
  format: z.object({ format_name: z.string() }).optional(),
  streams: z.array(z.object({ codec_type: z.string(), codec_name: z.string().optional() })).default([]),
});
export type Probe = z.infer<typeof Probe>;

const PLAYABLE_VIDEO = new Set(['h264', 'vp8', 'vp9', 'av1']);
const PLAYABLE_AUDIO = new Set(['aac', 'mp3', 'opus', 'vorbis']);
const PLAYABLE_CONTAINER = /(^|,)(mp4|mov|webm|matroska)(,|$)/;

export type Playability = { playable: true } | { playable: false; reason: string };

/** Pure decision on ffprobe's answer (table-tested). */
export function playabilityOf(probe: Probe): Playability {
  const container = probe.format?.format_name ?? '';
  if (!PLAYABLE_CONTAINER.test(container)) return { playable: false, reason: `container ${container || 'unknown'}` };
  for (const s of probe.streams) {
    const codec = s.codec_name ?? 'unknown';
    if (s.codec_type === 'video' && !PLAYABLE_VIDEO.has(codec)) return { playable: false, reason: `video codec ${codec}` };
    if (s.codec_type === 'audio' && !PLAYABLE_AUDIO.has(codec)) return { playable: false, reason: `audio codec ${codec}` };
  }
  if (!probe.streams.some((s) => s.codec_type === 'video' || s.codec_type === 'audio')) return { playable: false, reason: 'no audio or video stream' };
  return { playable: true };
}

export async function probeMedia(file: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { maxBuffer: 8 * 1024 * 1024 });
  return Probe.parse(JSON.parse(stdout));
}

/** H.264 (yuv420p, plays everywhere) + AAC in MP4 with the index up front. Throws with ffmpeg's last lines. */
export async function transcodeToH264(source: string, target: string): Promise<void> {
  try {
    await run(
      'ffmpeg',
      ['-y', '-v', 'error', '-i', source, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart', target],
      { maxBuffer: 8 * 1024 * 1024 },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`cannot transcode ${source} to H.264/AAC: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}
