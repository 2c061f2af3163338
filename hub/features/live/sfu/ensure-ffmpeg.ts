// `npm install` (scripts/postinstall.ts): makes sure the hub has ffmpeg with libx264, as ensure-worker.ts does for the
// SFU worker and in the same way (Debian's apt, as root). The demo's live lesson (the headless broadcaster), every
// recording and the demo video need it. Never fails the install: not root, or apt cannot reach its mirror → one line
// saying what to run, and the hub still serves everything else (it says the same at start: ffmpegMissing below).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FFMPEG_ADVICE, ffmpegMissing } from '../recording/ffmpeg-process.ts';


export type FfmpegInstallDeps = {
  /** Why ffmpeg cannot be used (missing, no libx264), or null. */
  missing: () => string | null;
  isRoot: () => boolean;
  /** apt-get update + install ffmpeg; returns the failure's last words, or null. */
  aptInstall: () => string | null;
  say: (line: string) => void;
};

function aptInstallFfmpeg(): string | null {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) return 'no apt-get on this machine';
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', 'ffmpeg']]) {
    const run = spawnSync('apt-get', args, { encoding: 'utf8', env, timeout: 900_000 });
    if (run.status !== 0) return `apt-get ${args[0] ?? ''}: ${(run.stderr || run.error?.message || `exit ${String(run.status)}`).trim().split('\n').slice(-2).join(' | ')}`;
  }
  return null;
}

const realDeps: FfmpegInstallDeps = {
  missing: () => ffmpegMissing(),
  isRoot: () => process.getuid?.() === 0,
  aptInstall: aptInstallFfmpeg,
  say: (line) => console.log(`ffmpeg: ${line}`),
};

/** Returns true when ffmpeg is usable afterwards. */
export function ensureFfmpeg(deps: FfmpegInstallDeps = realDeps): boolean {
  const before = deps.missing();
  if (before === null) {
    deps.say('found');
    return true;
  }
  if (!deps.isRoot()) {
    deps.say(`${before} — run \`${FFMPEG_ADVICE}\` (the demo's live lesson, recordings and the demo video need it); everything else works without it`);
    return false;
  }
  deps.say(`${before}: apt-get install ffmpeg`);
  const failed = deps.aptInstall();
  const after = deps.missing();
  if (after === null) {
    deps.say('installed');
    return true;
  }
  deps.say(`not installed (${failed ?? after}) — run \`${FFMPEG_ADVICE}\` when the machine can reach its apt mirror; everything else works without it`);
  return false;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureFfmpeg();
