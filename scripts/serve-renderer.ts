// Serves the built renderer (dist/renderer) as static files, apart from the hub: in the packaged app the renderer's
// files are local, so in browser mode stopping the hub must not stop the page from loading.
import { preview, type PreviewServer } from 'vite';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export async function serveRenderer(port: number, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  if (!existsSync(`${root}dist/renderer/index.html`)) {
    throw new Error('dist/renderer is missing: run `npm run build:renderer` first (npm test and npm start do it)');
  }
  const ownSigterm = process.listeners('SIGTERM');
  const server: PreviewServer = await preview({
    root: `${root}src/renderer`, // as in vite.config.ts, so outDir resolves to dist/renderer
    configFile: `${root}vite.config.ts`,
    logLevel: 'silent',
    preview: { port, host, strictPort: true, open: false },
  });
  // Vite's preview server installs its own SIGTERM handler that exits the process at once (code 143). The process
  // serving the page decides how it stops (`npm start` stops its hub first), so that handler is taken out again.
  for (const listener of process.listeners('SIGTERM')) if (!ownSigterm.includes(listener)) process.off('SIGTERM', listener);
  return { url: `http://${host}:${port}/`, close: () => server.close() };
}

// `tsx scripts/serve-renderer.ts <port> [host]`: used by tests that need the server inside a network namespace.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { url } = await serveRenderer(Number(process.argv[2] ?? 5173), process.argv[3] ?? '127.0.0.1');
  console.log(`renderer ${url}`);
}
