// HAProxy or nginx from Debian as a child process in the foreground, with its config in a temp folder: started after a
// config check (a bad config fails with the tool's own message), stopped by its process id.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './ports.ts';

export type ProxyKind = 'haproxy' | 'nginx';
export type ProxyProcess = { kind: ProxyKind; output(): string; stop(): Promise<void> };

const binaries: Record<ProxyKind, string> = { haproxy: '/usr/sbin/haproxy', nginx: '/usr/sbin/nginx' };

/** Why the proxy cannot run here (not installed), or null. */
export function proxyUnavailable(kind: ProxyKind): string | null {
  const probe = spawnSync(binaries[kind], ['-v'], { encoding: 'utf8' });
  return probe.error ? `${kind} not installed (apt-get install ${kind === 'nginx' ? 'nginx-light' : 'haproxy'}): ${probe.error.message}` : null;
}

function commandFor(kind: ProxyKind, dir: string, file: string, check: boolean): string[] {
  if (kind === 'haproxy') return check ? ['-c', '-f', file] : ['-db', '-f', file];
  // -e: the error log before the config is read (the default /var/log/nginx may not be writable)
  const base = ['-e', join(dir, 'error.log'), '-p', dir, '-c', file];
  return check ? [...base, '-t'] : [...base, '-g', 'daemon off;'];
}

export async function startProxy(kind: ProxyKind, dir: string, config: string, listen: { host: string; port: number }): Promise<ProxyProcess> {
  const file = join(dir, `${kind}.conf`);
  writeFileSync(file, config);
  const checked = spawnSync(binaries[kind], commandFor(kind, dir, file, true), { encoding: 'utf8' });
  if (checked.status !== 0) throw new Error(`${kind} refused its config ${file}:\n${checked.stdout}${checked.stderr}\n${config}`);
  let log = '';
  const child: ChildProcess = spawn(binaries[kind], commandFor(kind, dir, file, false), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${kind} exited ${child.exitCode}: ${log}`);
      return (await accepts(listen.host, listen.port)) ? true : undefined;
    },
    `${kind} listening on ${listen.host}:${listen.port}`,
    15_000,
    50,
  );
  return {
    kind,
    output: () => log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM'); // both stop at once on SIGTERM (nginx: fast shutdown)
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
