// `npm run broadcast` as a lead school's operator runs it (ffmpeg test pattern → the hub's SFU), for live e2e tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './hub-process.ts';

export type Broadcaster = { stop(): Promise<void>; output(): string };

export async function startBroadcaster(hubUrl: string, adminToken: string, lessonId: string, timeoutMs = 30_000): Promise<Broadcaster> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/broadcast.ts', '--lesson', lessonId, '--hub', hubUrl, '--token', adminToken], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let said = '';
  child.stdout?.on('data', (d: Buffer) => (said += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (said += d.toString()));
  // On air, or the script gave up (e.g. the hub refused): whichever comes first, without waiting out the timeout.
  const deadline = Date.now() + timeoutMs;
  while (!said.includes('on air')) {
    if (child.exitCode !== null) throw new Error(`broadcaster exited (${child.exitCode}): ${said}`);
    if (Date.now() > deadline) throw new Error(`broadcaster not on air after ${timeoutMs} ms: ${said}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    output: () => said,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM'); // the script takes the lesson off air before it exits
      await exited;
    },
  };
}
