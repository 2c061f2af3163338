// Turns recording on for a hub with an SFU: every room is watched from its creation, and recordings the hub stopped
// in the middle of (a restart) are picked up. Without ffmpeg the hub runs on and says why nothing is recorded.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HubDatabase } from '../../../core/db/open-database.ts';
import { ffmpegMissing } from './ffmpeg-process.ts';
import { LessonRecorder, type LessonRecorderOptions } from './lesson-recorder.ts';
import type { LiveSfu } from '../sfu/live-sfu.ts';

export type StartRecorderOptions = Pick<LessonRecorderOptions, 'packSigner' | 'endGraceMs' | 'format' | 'ffmpegPath' | 'log'> & { db: HubDatabase; dataDir: string; contentDir: string };

/** Why this hub cannot record, or null. */
export function recordingUnavailableReason(ffmpegPath = 'ffmpeg'): string | null {
  return ffmpegMissing(ffmpegPath);
}

export async function startLessonRecorder(sfu: LiveSfu, options: StartRecorderOptions): Promise<LessonRecorder> {
  const recordingsDir = join(options.dataDir, 'recordings');
  mkdirSync(recordingsDir, { recursive: true });
  const recorder = new LessonRecorder({ ...options, recordingsDir });
  await recorder.recover();
  sfu.onRoom((room) => recorder.watch(room));
  return recorder;
}
