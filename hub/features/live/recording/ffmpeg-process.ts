// One way to run a long-lived ffmpeg (the broadcaster, the lesson recorder): it must not outlive the hub (a hub killed
// with SIGKILL in an outage test would leave it sending or recording forever), so a shell watchdog stops it when the
// owner process is gone and forwards SIGTERM, on which ffmpeg finishes its output files (trailer, index) and exits.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** What to run where ffmpeg is missing: one line, the same at install (hub/features/live/sfu/ensure-ffmpeg.ts) and at hub start. */
export const FFMPEG_ADVICE = 'sudo apt-get install -y ffmpeg';

/** Why `ffmpegPath` cannot record or broadcast (not found, cannot run, no libx264), or null. */
export function ffmpegMissing(ffmpegPath = 'ffmpeg'): string | null {
  const probe = spawnSync(ffmpegPath, ['-hide_banner', '-encoders'], { encoding: 'utf8', timeout: 10_000 });
  if (probe.error && 'code' in probe.error && probe.error.code === 'ENOENT') return `${ffmpegPath} not found`;
  if (probe.error || probe.status !== 0) return `${ffmpegPath} cannot run: ${probe.error?.message ?? probe.stderr.trim().slice(-300)}`;
  if (!/\blibx264\b/.test(probe.stdout)) return `${ffmpegPath} has no libx264 encoder`;
  return null;
}

const WATCHDOG = `"$@" & pid=$!
trap 'kill $pid 2>/dev/null; wait $pid; exit 0' TERM INT
while kill -0 $pid 2>/dev/null; do
  kill -0 $OWNER_PID 2>/dev/null || { kill $pid; exit 0; }
  sleep 1 & wait $!
done
wait $pid`;

export type FfmpegProcess = {
  /** Resolves with ffmpeg's exit code once it (and the watchdog) have exited; -1 if it could not start. */
  exited: Promise<number | null>;
  /** The last 4000 characters ffmpeg wrote to stderr (its errors, with -loglevel error). */
  output(): string;
  /** SIGTERM: ffmpeg closes its outputs properly. Resolves when it has exited. */
  stop(): Promise<number | null>;
  /** ffmpeg's own pid (not its watchdog's), once it runs; null before or after. */
  pid(): number | null;
};

export function spawnFfmpeg(args: string[], options: { ffmpegPath?: string; cwd?: string } = {}): FfmpegProcess {
  const child: ChildProcess = spawn('sh', ['-c', WATCHDOG, 'sh', options.ffmpegPath ?? 'ffmpeg', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, OWNER_PID: String(process.pid) },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  return {
    exited,
    output: () => log,
    pid: () => (child.pid === undefined || child.exitCode !== null ? null : childFfmpegPid(child.pid)),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** ffmpeg's own pid under its watchdog shell `shellPid` (its one child that is not the watchdog's `sleep`). */
export function childFfmpegPid(shellPid: number): number | null {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (ppid === shellPid && comm !== 'sleep') return Number(entry);
    } catch {
      // a process that ended while the table was read
    }
  }
  return null;
}
