// Where the hub finds mediasoup's worker binary, in the order `npm install` (hub/features/live/sfu/ensure-worker.ts) provides it:
// MEDIASOUP_WORKER_BIN when set, mediasoup's own worker in its package, else the build made from Debian's libraries by
// hub/features/live/sfu/build-worker.sh, cached under a key of the mediasoup version and the patch's hash (so a changed patch is
// never mistaken for an old build). Nothing needs to be exported for the hub to find the cached build.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as mediasoup from 'mediasoup';

export type WorkerBin = { path: string; source: 'env' | 'package' | 'cache' } | { path: null; reason: string };

type Env = Readonly<Record<string, string | undefined>>;

export const SFU_DIR = fileURLToPath(new URL('./', import.meta.url));

export function workerPatchPath(version = mediasoup.version): string {
  return join(SFU_DIR, `mediasoup-${version}-debian-bookworm.patch`);
}

/** `<version>-<first 12 hex of the patch's sha256>`, exactly as build-worker.sh names its cache folder. */
export function workerCacheKey(version = mediasoup.version): string | null {
  const patch = workerPatchPath(version);
  if (!existsSync(patch)) return null;
  return `${version}-${createHash('sha256').update(readFileSync(patch)).digest('hex').slice(0, 12)}`;
}

export function cachedWorkerPath(env: Env = process.env, version = mediasoup.version): string | null {
  const key = workerCacheKey(version);
  if (!key) return null;
  const cacheRoot = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cacheRoot, 'mediasoup-worker', key, 'mediasoup-worker');
}

export function findWorkerBin(env: Env = process.env, packageWorker = mediasoup.workerBin): WorkerBin {
  const fromEnv = env.MEDIASOUP_WORKER_BIN;
  if (fromEnv) {
    return existsSync(fromEnv) ? { path: fromEnv, source: 'env' } : { path: null, reason: `MEDIASOUP_WORKER_BIN=${fromEnv} does not exist` };
  }
  if (existsSync(packageWorker)) return { path: packageWorker, source: 'package' };
  const cached = cachedWorkerPath(env);
  if (cached && existsSync(cached)) return { path: cached, source: 'cache' };
  return { path: null, reason: 'no mediasoup worker: run `npm install` again (it builds one, see hub/features/live/sfu/README.md) or set MEDIASOUP_WORKER_BIN' };
}
