import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { RENDERER_HEADER_CSP } from './src/shared/renderer-csp.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// The renderer is built once and loaded from files: by Electron (file://, hence relative `base`) or by a static server
// in browser mode and tests.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  define: { __APP_VERSION__: JSON.stringify(version) },
  build: { outDir: '../../dist/renderer', emptyOutDir: true, target: 'chrome120', sourcemap: true },
  // The meta tag's CSP cannot forbid framing; the server that serves the app in browser mode says it as a header.
  server: { headers: { 'Content-Security-Policy': RENDERER_HEADER_CSP } },
  preview: { headers: { 'Content-Security-Policy': RENDERER_HEADER_CSP } },
});
