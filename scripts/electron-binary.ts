// The Electron binary, apart from the `electron` package: since Electron 42 the package downloads its binary on first
// use (no install script), and machines that reach only the npm registry can never download it. These helpers look
// for it without triggering that download, and try the download once, quietly, when asked.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function electronPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** Path of the downloaded Electron executable, or null (never downloads). */
export function installedElectronBinary(): string | null {
  const dir = electronPackageDir();
  if (!dir || !existsSync(join(dir, 'path.txt'))) return null;
  const executable = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim());
  return existsSync(executable) ? executable : null;
}

/** Runs Electron's own downloader once with its output captured; the binary's path, or why it is missing. */
export function fetchElectronBinary(timeoutMs = 15 * 60_000): { path: string } | { path: null; reason: string } {
  const dir = electronPackageDir();
  if (!dir) return { path: null, reason: 'the electron package is not installed' };
  const result = spawnSync(process.execPath, [join(dir, 'install.js')], { cwd: dir, encoding: 'utf8', timeout: timeoutMs });
  const path = installedElectronBinary();
  if (path) return { path };
  const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
  const unreachable = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH/.test(output);
  const firstLine = output.trim().split('\n')[0] ?? '';
  return { path: null, reason: unreachable ? 'its download host cannot be reached from here' : `the download failed (${firstLine || `exit ${String(result.status)}`})` };
}
