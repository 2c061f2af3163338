// Bundles the Electron main process and preload to CommonJS (sandboxed preloads cannot be ES modules).
import { build, type BuildOptions } from 'esbuild';

const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', target: 'node22' /* Electron 45 runs Node 22 */, sourcemap: true };

await Promise.all([
  build({ ...common, entryPoints: ['src/main/electron-main.ts'], outfile: 'dist/main/main.cjs', external: ['electron', 'electron-updater'] }),
  build({ ...common, entryPoints: ['src/preload/preload.ts'], outfile: 'dist/preload/preload.cjs', external: ['electron'] }),
]);
