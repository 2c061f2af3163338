// A throwaway PostgreSQL cluster for tests and `npm run load`: Debian's server binaries (apt `postgresql`), initdb into a
// temp dir, one server on a free loopback port, trust auth (loopback only, nothing outside the test can reach it).
// initdb and postgres refuse to run as root, so as root (CI) the cluster is owned by and run as the `postgres` user.
// Durability is off (fsync, synchronous_commit): a test cluster is thrown away, and the tests measure the hub, not the disk.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.ts';

export type PostgresServer = {
  /** Connection URL of the cluster's `postgres` database (admin connection). */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL; each test file takes its own. */
  createDatabase(name?: string): Promise<string>;
  /** The server's log file (gone once stopped). */
  logPath: string;
  /** The server's main process (postmaster.pid), e.g. to read its CPU time; null once stopped. */
  postmasterPid(): number | null;
  stop(): Promise<void>;
};

export type PostgresServerOptions = {
  /** Extra `-c name=value` server settings, e.g. max_connections for a load run. */
  settings?: Record<string, string>;
};

/** Where Debian puts the server binaries (`/usr/lib/postgresql/<major>/bin`); the newest major wins. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const bin = join(root, major, 'bin');
    if (existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

const execFileAsync = promisify(execFile);

async function runAsOwner(command: string, args: string[], asRoot: boolean): Promise<void> {
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  try {
    await execFileAsync(cmd, argv, { encoding: 'utf8' });
  } catch (error) {
    const detail = error instanceof Error && 'stderr' in error ? String(error.stderr) : String(error);
    throw new Error(`${command} failed: ${detail}`);
  }
}

let databaseCounter = 0;

/** Creates an empty database on the cluster behind `adminUrl` (its `postgres` database) and returns the new one's URL. */
export async function createDatabase(adminUrl: string, name?: string): Promise<string> {
  databaseCounter += 1;
  const dbName = name ?? `t_${process.pid}_${databaseCounter}_${Math.random().toString(36).slice(2, 8)}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error(`database name must be a plain identifier: ${dbName}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${dbName}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'yk-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  await runAsOwner(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], asRoot);
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    ...options.settings,
  };
  const serverArgs = Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`).join(' ');
  await runAsOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', serverArgs, 'start'], asRoot);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  let stopped = false;
  return {
    url,
    port,
    createDatabase: (name) => createDatabase(url, name),
    logPath: join(dir, 'server.log'),
    postmasterPid: () => {
      if (stopped) return null;
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // immediate: the cluster is thrown away, so no checkpoint is worth waiting for.
      await runAsOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], asRoot);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
