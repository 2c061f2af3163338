// Removes weak links that earlier runs left behind (a crashed or SIGKILLed test process cannot clean up after itself).
// Every link writes an owner record before it creates its namespaces; a link is stale when its owner process is gone.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NS_PATTERN = /^ykt-[hc]-([0-9a-f]{6})$/;
const RECORD_DIR = '/run/ykt-weak-links';

export const recordPath = (id: string) => join(RECORD_DIR, `${id}.json`);
export const wrapperPath = (id: string) => join(tmpdir(), `ykt-chromium-${id}.sh`);

export function writeOwnerRecord(id: string): void {
  mkdirSync(RECORD_DIR, { recursive: true });
  writeFileSync(recordPath(id), JSON.stringify({ pid: process.pid, created: new Date().toISOString() }));
}

export function removeOwnerRecord(id: string): void {
  rmSync(recordPath(id), { force: true });
  rmSync(wrapperPath(id), { force: true });
}

function ownerAlive(id: string): boolean {
  try {
    const { pid } = JSON.parse(readFileSync(recordPath(id), 'utf8')) as { pid: number };
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // no record, unreadable record, or owner gone
  }
}

export function listNamespaces(): string[] {
  // Lines look like "name (id: 3)" or just "name".
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** Deletes leftover ykt-h-* / ykt-c-* namespaces whose owning process is gone; returns the names removed. */
export function removeStaleLinks(): string[] {
  const removed: string[] = [];
  for (const ns of listNamespaces()) {
    const id = NS_PATTERN.exec(ns)?.[1];
    if (id === undefined || ownerAlive(id)) continue;
    // Processes an old test started inside the namespace (a hub, an http server) would otherwise linger.
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    execFileSync('ip', ['netns', 'del', ns]);
    removeOwnerRecord(id);
    removed.push(ns);
  }
  return removed;
}
