// `npm start`: the hub with demo data plus the app. Where the Electron binary is missing (as on CI machines that
// cannot download it), say so plainly and serve the same renderer for a browser instead.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { serveRenderer } from './serve-renderer.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const hubPort = Number(process.env.HUB_PORT ?? 8787);
const rendererPort = Number(process.env.RENDERER_PORT ?? 5173);
const hubUrl = `http://127.0.0.1:${hubPort}`;

function electronBinary(): string | null {
  try {
    // The electron package's entry returns the binary path, and throws when the download was skipped.
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' ? path : null;
  } catch {
    return null;
  }
}

function run(cmd: string, args: string[]) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npm', ['run', '--silent', 'build']);

const hub = spawn(process.execPath, ['--import', 'tsx', 'hub/main.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, HUB_PORT: String(hubPort), HUB_DEMO: process.env.HUB_DEMO ?? '1', HUB_DEMO_BROADCAST: process.env.HUB_DEMO_BROADCAST ?? '1' },
});
const children = [hub];
const stopAll = () => {
  for (const c of children) c.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
hub.on('exit', (code) => {
  console.error(`hub exited (${code ?? 'signal'})`);
  process.exit(code ?? 1);
});

const electron = electronBinary();
if (electron) {
  children.push(spawn(electron, ['.'], { cwd: root, stdio: 'inherit' }));
} else {
  const { url } = await serveRenderer(rendererPort);
  console.log('');
  console.log('未找到 Electron 可执行文件（本机无法下载 Electron），改为在浏览器中运行同一个界面。');
  console.log('The Electron binary is not installed here, so the same renderer is served for a browser instead.');
  console.log(`  打开 / open:  ${url}?hub=${encodeURIComponent(hubUrl)}`);
  console.log(`  中心 / hub:   ${hubUrl}`);
  console.log('');
}
