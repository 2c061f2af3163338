// Turns recording on for a hub with an SFU: every room is watched from its creation, and recordings the hub stopped
// in the middle of (a restart) are picked up. Without ffmpeg the hub runs on and says why nothing is recorded.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HubDatabase } from '../db/open-database.ts';
import { LessonRecorder, type LessonRecorderOptions } from './lesson-recorder.ts';
import type { LiveSfu } from './live-sfu.ts';

export type StartRecorderOptions = Pick<LessonRecorderOptions, 'packSigner' | 'endGraceMs' | 'format' | 'ffmpegPath' | 'log'> & { db: HubDatabase; dataDir: string; contentDir: string };

/** Why this hub cannot record, or null. */
export function recordingUnavailableReason(ffmpegPath = 'ffmpeg'): string | null {
  const probe = spawnSync(ffmpegPath, ['-hide_banner', '-encoders'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error || probe.status !== 0) return `${ffmpegPath} cannot run: ${probe.error?.message ?? probe.stderr.trim()}`;
  if (!/\blibx264\b/.test(probe.stdout)) return `${ffmpegPath} has no libx264 encoder`;
  return null;
}

export async function startLessonRecorder(sfu: LiveSfu, options: StartRecorderOptions): Promise<LessonRecorder> {
  const recordingsDir = join(options.dataDir, 'recordings');
  mkdirSync(recordingsDir, { recursive: true });
  const recorder = new LessonRecorder({ ...options, recordingsDir });
  await recorder.recover();
  sfu.onRoom((room) => recorder.watch(room));
  return recorder;
}
