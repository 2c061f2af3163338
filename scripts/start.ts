// `npm start`: the hub with demo data plus the app. The hub runs under a supervisor (scripts/hub-supervisor.ts): a
// crashed hub is started again; a hub stopped on purpose stays down while the app page stays up. Where the Electron
// binary is missing (machines that cannot download it) it says so plainly and serves the same renderer for a browser.
// `npm start -- --no-build` skips the build (tests that already built).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { installedElectronBinary } from './electron-binary.ts';
import { superviseHub } from './hub-supervisor.ts';
import { serveRenderer } from './serve-renderer.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const hubPort = Number(process.env.HUB_PORT ?? 8787);
const rendererPort = Number(process.env.RENDERER_PORT ?? 5173);
const hubUrl = `http://127.0.0.1:${hubPort}`;

function run(cmd: string, args: string[]) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!process.argv.includes('--no-build')) run('npm', ['run', '--silent', 'build']);

const hub = superviseHub({
  // One node process (not the tsx CLI, which forks), so a signal to its pid reaches the hub itself.
  spawnHub: () =>
    spawn(process.execPath, ['--import', 'tsx', 'hub/main.ts'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, HUB_PORT: String(hubPort), HUB_DEMO: process.env.HUB_DEMO ?? '1', HUB_DEMO_BROADCAST: process.env.HUB_DEMO_BROADCAST ?? '1' },
    }),
  log: (line) => console.log(line),
});

let closeRenderer: (() => Promise<void>) | null = null;
let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  await hub.stop();
  await closeRenderer?.();
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

const electron = installedElectronBinary();
if (electron) {
  const app = spawn(electron, ['.'], { cwd: root, stdio: 'inherit' });
  app.once('exit', (code) => void stopAll(code ?? 0)); // closing the app window ends the demo
} else {
  const served = await serveRenderer(rendererPort);
  const url = served.url;
  closeRenderer = () => served.close();
  console.log('');
  console.log('未找到 Electron 可执行文件（本机无法下载 Electron），改为在浏览器中运行同一个界面。');
  console.log('The Electron binary is not installed here, so the same app is served for a browser instead.');
  console.log(`  打开 / open:  ${url}?hub=${encodeURIComponent(hubUrl)}`);
  console.log(`  中心 / hub:   ${hubUrl}`);
  console.log('');
}
