// `npm run broadcast` as a lead school's operator runs it (ffmpeg test pattern → the hub's SFU), for live e2e tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './hub-process.ts';
import { waitFor } from './ports.ts';

export type Broadcaster = { stop(): Promise<void>; output(): string };

export async function startBroadcaster(hubUrl: string, adminToken: string, lessonId: string): Promise<Broadcaster> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/broadcast.ts', '--lesson', lessonId, '--hub', hubUrl, '--token', adminToken], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let said = '';
  child.stdout?.on('data', (d: Buffer) => (said += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (said += d.toString()));
  await waitFor(() => Promise.resolve(said.includes('on air') ? true : child.exitCode !== null ? Promise.reject(new Error(said)) : undefined), 'broadcaster on air', 30_000);
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
