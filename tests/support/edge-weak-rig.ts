// The school-edge rig on the weak-link harness: the county hub in the hub namespace; behind one shaped village uplink,
// in the client namespace, the school edge (`hub/start.ts --edge`, the documented command) and classroom PCs (the real
// renderer download manager under Node, edge-classroom-main.ts) on the fast "LAN" (loopback of that namespace).
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EdgePaths } from '../../src/shared/edge-protocol.ts';
import { createWeakLink, type LinkShape, type WeakLink } from '../net/weak-link.ts';
import { repoRoot } from './hub-process.ts';
import { waitFor } from './ports.ts';

export const EDGE_PORT = 8788;
const EDGE_ADMIN = 'edge-weak-admin-token-0123456789';
const RIG_ADMIN = 'admin-secret-for-tests-0123456789';

export type CountyInfo = { base: string; packKey: string; edgeCode: string; sha256: string; size: number; tokens: { zj1: string; zj2: string; lt: string } };
export type ClassroomLine = { ms: number; files: number; complete: number; chunks: number; using: 'edge' | 'county'; problem: string | null; lastError: string | null };
export type Classroom = { last(): ClassroomLine | undefined; lines: ClassroomLine[]; stop(): void };

function jsonLines<T>(child: ChildProcess, onLine: (line: T) => void) {
  if (!child.stdout) return;
  createInterface({ input: child.stdout }).on('line', (text) => {
    try {
      onLine(JSON.parse(text) as T);
    } catch {
      // not a status line (a log message)
    }
  });
}

export async function startEdgeWeakRig(shape: LinkShape, packBytes: number) {
  const link: WeakLink = await createWeakLink(shape);
  const edgeDir = await mkdtemp(join(tmpdir(), 'ykt-edge-'));
  const node = (spawn: WeakLink['spawnInHub'], script: string[], env: NodeJS.ProcessEnv) =>
    spawn(process.execPath, ['--import', 'tsx', ...script], { cwd: repoRoot, env: { ...process.env, ...env } });
  try {
    const countyChild = node(link.spawnInHub, ['tests/support/edge-county-main.ts'], { HOST: link.hubIp, PACK_BYTES: String(packBytes) });
    let countyLog = '';
    countyChild.stderr?.on('data', (d: Buffer) => (countyLog += d.toString()));
    const county = await new Promise<CountyInfo>((resolve, reject) => {
      jsonLines<CountyInfo>(countyChild, resolve);
      countyChild.once('exit', (code) => reject(new Error(`county exited ${code}: ${countyLog}`)));
    });

    let edge: ChildProcess | null = null;
    const edgeEnv = { HUB_UPSTREAM: county.base, HUB_EDGE_CODE: county.edgeCode, HUB_DATA_DIR: edgeDir, HUB_HOST: '127.0.0.1', HUB_PORT: String(EDGE_PORT), HUB_ADMIN_TOKEN: EDGE_ADMIN, HUB_EDGE_HOURS: 'off' };
    const edgeUrl = `http://127.0.0.1:${EDGE_PORT}`;
    const curlClient = async (args: string[]) => (await link.execInClient('curl', ['-s', ...args], { timeoutMs: 15_000 })).stdout;
    const startEdge = async () => {
      edge = node(link.spawnInClient, ['hub/start.ts', '--edge'], edgeEnv);
      await waitFor(async () => ((await curlClient(['-f', `${edgeUrl}/v1/health`])) ? true : undefined), 'school edge up', 60_000);
    };
    await startEdge();
    const classrooms: ChildProcess[] = [];
    return {
      link,
      county,
      edgeUrl,
      startEdge,
      /** SIGKILL, as a power cut: the edge's disk stays. */
      async killEdge() {
        const running = edge;
        edge = null;
        if (!running || running.exitCode !== null) return;
        const exited = new Promise((r) => running.once('exit', r));
        running.kill('SIGKILL');
        await exited;
      },
      classroom(token: string, options: { edge?: boolean; maxBytesPerSecond?: number; statusEveryMs?: number } = {}): Classroom {
        const child = node(link.spawnInClient, ['tests/support/edge-classroom-main.ts'], {
          COUNTY_URL: county.base,
          EDGE_URL: options.edge === false ? '' : edgeUrl,
          TOKEN: token,
          PACK_KEY: county.packKey,
          ...(options.maxBytesPerSecond ? { MAX_BPS: String(options.maxBytesPerSecond) } : {}),
          ...(options.statusEveryMs ? { STATUS_EVERY_MS: String(options.statusEveryMs) } : {}),
        });
        classrooms.push(child);
        const lines: ClassroomLine[] = [];
        jsonLines<ClassroomLine>(child, (line) => lines.push(line));
        return { lines, last: () => lines.at(-1), stop: () => child.kill('SIGTERM') };
      },
      /** Content bytes the county sent: to edges (the school uplink's share through the edge) and to classrooms directly. */
      async countyBytes() {
        const auth = ['-H', `authorization: Bearer ${RIG_ADMIN}`];
        const edgeStats = JSON.parse((await link.execInHub('curl', ['-sf', ...auth, `${county.base}${EdgePaths.uplinkStats}`])).stdout) as { blobBytesSent: number };
        const direct = JSON.parse((await link.execInHub('curl', ['-sf', ...auth, `${county.base}/v1/admin/content/stats`])).stdout) as { bytesSent: number };
        return { viaEdge: edgeStats.blobBytesSent, direct: direct.bytesSent };
      },
      /** A classroom request to the edge as curl sends it: status code and body. */
      async askEdge(path: string, token: string) {
        const out = await curlClient(['-w', '\n%{http_code}', '-H', `authorization: Bearer ${token}`, `${edgeUrl}${path}`]);
        const cut = out.lastIndexOf('\n');
        return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
      },
      async edgeStatus() {
        return JSON.parse(await curlClient(['-f', '-H', `authorization: Bearer ${EDGE_ADMIN}`, `${edgeUrl}${EdgePaths.status}`])) as unknown;
      },
      async close() {
        classrooms.forEach((c) => c.kill('SIGKILL'));
        await link.close();
        await rm(edgeDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await link.close();
    await rm(edgeDir, { recursive: true, force: true });
    throw error;
  }
}
export type EdgeWeakRig = Awaited<ReturnType<typeof startEdgeWeakRig>>;
