// `npm install` (scripts/postinstall.ts) or `npx tsx hub/features/live/sfu/ensure-worker.ts`: makes sure the hub has a mediasoup worker, without reaching anything
// but the npm registry and Debian's apt. mediasoup's own install step is switched off in package.json (allowScripts):
// it would download from its release page and then from PyPI. Order and reasons: hub/features/live/sfu/README.md. Never fails the
// install: without a worker the hub still serves everything but live lessons, and says why.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SFU_DIR, cachedWorkerPath, findWorkerBin } from './worker-bin.ts';

function say(line: string) {
  console.log(`mediasoup worker: ${line}`);
}

function isDebianBookworm(): boolean {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    return /^ID=debian$/m.test(release) && /^VERSION_CODENAME=bookworm$/m.test(release);
  } catch {
    return false;
  }
}

/** Builds from Debian's libraries with our patch; the build's own output goes to a log next to the cache. */
function buildFromDebian(): string | null {
  const target = cachedWorkerPath();
  const logDir = target ? dirname(dirname(target)) : join(SFU_DIR, '.cache');
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, 'build.log');
  say(`building it from Debian's libraries (first time about 4 minutes on 2 cores; cached after). Log: ${log}`);
  // The build's progress goes straight into the log (tail -f it); its last stdout line is the binary's path.
  const logFd = openSync(log, 'w');
  const result = spawnSync('bash', [join(SFU_DIR, 'build-worker.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', logFd] });
  closeSync(logFd);
  if (result.status === 0) return (result.stdout ?? '').trim().split('\n').pop() ?? null;
  const tail = readFileSync(log, 'utf8').trim().split('\n').slice(-3).join(' | ');
  say(`the build failed (${result.error?.message ?? `exit ${String(result.status)}`}): ${tail}`);
  return null;
}

/** Elsewhere (macOS, Windows, other Linux): mediasoup's own installer, which downloads its prebuilt worker. */
function mediasoupOwnInstall() {
  const dir = dirname(createRequire(import.meta.url).resolve('mediasoup/package.json'));
  say('running mediasoup’s own installer (downloads its prebuilt worker)');
  const result = spawnSync(process.execPath, ['npm-scripts.mjs', 'postinstall'], { cwd: dir, stdio: 'inherit' });
  if (result.status !== 0) say(`mediasoup’s installer failed (exit ${String(result.status)})`);
}

export function ensureWorker() {
  const found = findWorkerBin();
  if (found.path !== null) return say(`${found.path} (${found.source})`);
  if (process.env.MEDIASOUP_WORKER_BIN) return say(`${found.reason}; live lessons stay unavailable until it exists`);
  if (isDebianBookworm()) buildFromDebian();
  else mediasoupOwnInstall();
  const after = findWorkerBin();
  if (after.path === null) say(`none — the hub will run without live lessons (it says why at start). ${after.reason}`);
  else say(`${after.path} (${after.source})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureWorker();
