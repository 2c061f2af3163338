// `npm run app`: the app alone (the built renderer for a browser), without a hub — e.g. next to a hub that runs
// elsewhere, or to reload an offline classroom while the hub is down. Builds the renderer first unless `--no-build`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serveRenderer } from './serve-renderer.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!process.argv.includes('--no-build')) {
  const built = spawnSync('npm', ['run', '--silent', 'build:renderer'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const hubUrl = process.env.HUB_URL ?? 'http://127.0.0.1:8787';
const { url } = await serveRenderer(Number(process.env.RENDERER_PORT ?? 5173), process.env.RENDERER_HOST ?? '127.0.0.1');
console.log(`应用 / app:  ${url}?hub=${encodeURIComponent(hubUrl)}   (中心 / hub: ${hubUrl}; set HUB_URL for another)`);
