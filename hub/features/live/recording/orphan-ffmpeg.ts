// A recording ffmpeg a killed hub left behind. Its watchdog (ffmpeg-process.ts) ends it when the hub dies, but only if
// the watchdog survived too, and even then ffmpeg waits ~10 s on its silent RTP input; with the watchdog killed as well
// it records nothing, forever, holding the segment's file. The session file names the ffmpeg of the running segment;
// the next hub ends it before it carries on. Its pid is trusted only if the process still works in that segment's
// folder (a pid recycled by the system for something else is left alone). As at a normal stop, an RTCP BYE to each
// stream its SDP names ends its input and it finishes its Matroska files at once; SIGTERM, then SIGKILL, if not.
import { readFile } from 'node:fs/promises';
import { readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { sayBye } from './recording-segment.ts';

export type ProcessTable = {
  /** The process's working folder, or null when there is no such process (or it is not ours to see). */
  cwd(pid: number): string | null;
  signal(pid: number, signal: NodeJS.Signals): void;
};

export const realProcessTable: ProcessTable = {
  cwd(pid) {
    try {
      return readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      return null;
    }
  },
  signal(pid, signal) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  },
};

/** How it ended: its input closed by BYE, by SIGTERM, or SIGKILL; or there was nothing of ours to end. */
export type OrphanEnd = 'none' | 'not-ours' | 'bye' | 'ended' | 'killed';

/** Ends the ffmpeg `pid` if it still records into `segmentDir`. Waits until it is gone. */
export async function endOrphanFfmpeg(
  pid: number,
  segmentDir: string,
  { table = realProcessTable, graceMs = 3_000, pollMs = 100 }: { table?: ProcessTable; graceMs?: number; pollMs?: number } = {},
): Promise<OrphanEnd> {
  let folder: string;
  try {
    folder = realpathSync(segmentDir);
  } catch {
    return 'none';
  }
  const ours = () => table.cwd(pid) === folder;
  if (!ours()) return table.cwd(pid) === null ? 'none' : 'not-ours';
  const goneWithin = async (ms: number) => {
    for (let waited = 0; waited < ms; waited += pollMs) {
      if (!ours()) return true;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return !ours();
  };
  const sdp = await readFile(join(segmentDir, 'segment.sdp'), 'utf8').catch(() => '');
  await sayBye([...sdp.matchAll(/^m=\w+ (\d+) /gm)].map((m) => ({ ssrc: 0, port: Number(m[1]) })));
  if (await goneWithin(graceMs)) return 'bye';
  table.signal(pid, 'SIGTERM');
  // ffmpeg waits up to ~10 s on a silent RTP input before it acts on SIGTERM
  if (await goneWithin(12_000)) return 'ended';
  table.signal(pid, 'SIGKILL');
  await goneWithin(graceMs);
  return 'killed';
}
