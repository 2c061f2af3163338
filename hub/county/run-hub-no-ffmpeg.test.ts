// `npm start`'s hub (demo data, demo broadcast) on a machine without ffmpeg — a fresh Debian machine where `npm install`
// could not install it. ffmpeg cannot be removed from the shared test machine, so the hub runs with a PATH of links to
// everything but ffmpeg/ffprobe. It must say so in one line (with what to run), not retry a broadcast every 2 s, and
// still serve what it can: the live lesson slot, and the handouts (the demo video waits for ffmpeg).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../tests/support/ports.ts';
import { repoRoot } from '../../tests/support/hub-process.ts';
import { openDatabase } from '../core/db/open-database.ts';
import { DEMO_RECORDING_PACK, demoPreviewPackId } from '../features/demo/demo-content.ts';
import { FFMPEG_ADVICE } from '../features/live/recording/ffmpeg-process.ts';
import { liveUnavailableReason } from '../features/live/sfu/live-sfu.ts';

const dir = mkdtempSync(join(tmpdir(), 'hub-bare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every program on PATH, but ffmpeg and ffprobe. */
function pathWithoutFfmpeg(): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const folder of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    for (const name of existsSync(folder) ? readdirSync(folder) : []) {
      if (name === 'ffmpeg' || name === 'ffprobe' || existsSync(join(bin, name))) continue;
      symlinkSync(join(folder, name), join(bin, name));
    }
  }
  return bin;
}

const workerReason = liveUnavailableReason();

describe.skipIf(workerReason !== null)('npm start’s hub without ffmpeg', () => {
  it('says once what is missing and what to run, broadcasts nothing, and still serves the handouts and live', async () => {
    const port = await freePort();
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HUB_')));
    const child = spawn(process.execPath, ['--import', 'tsx', 'hub/main.ts'], {
      cwd: repoRoot,
      env: { ...env, PATH: pathWithoutFfmpeg(), HUB_PORT: String(port), HUB_RTC_PORT: String(await freePort()), HUB_SFU_WORKERS: '1', HUB_DATA_DIR: join(dir, 'data'), HUB_DEMO: '1', HUB_DEMO_BROADCAST: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    try {
      // The last line of the start: everything before it has been said.
      await waitFor(async () => (log.includes('demo enrollment codes') ? true : undefined), `hub on ${base}\n${log}`, 120_000);
      const live = (await (await fetch(`${base}/v1/live/status`)).json()) as { available: boolean };
      expect(live.available).toBe(true);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    const ffmpegLines = log.split('\n').filter((line) => line.includes('ffmpeg'));
    expect(ffmpegLines, log).toHaveLength(1);
    expect(ffmpegLines[0]).toContain('ffmpeg not found');
    expect(ffmpegLines[0]).toContain(FFMPEG_ADVICE);
    expect(log).not.toContain('demo broadcast');
    expect(log).not.toContain('demo content skipped');
    const db = openDatabase(join(dir, 'data', 'hub.sqlite'));
    const packs = db.raw.prepare(`SELECT id FROM packs`).all().map((r) => (r as { id: string }).id);
    await db.close();
    expect(packs).toContain(demoPreviewPackId('语文'));
    expect(packs).not.toContain(DEMO_RECORDING_PACK);
  }, 180_000);
});
