// `npm install` / `npm ci` (the root package's postinstall): the three things npm itself does not bring.
// 1. Electron's binary (Electron ≥ 42 has no install step of its own): one quiet try; where it cannot be downloaded this
//    says so once and the install still succeeds — `npm start` then serves the same app for a browser.
// 2. The hub's mediasoup worker (hub/features/live/sfu/ensure-worker.ts).
// 3. ffmpeg for the demo's live lesson, recordings and the demo video (hub/features/live/sfu/ensure-ffmpeg.ts): apt as root, else
//    one line saying what to run.
import { fetchElectronBinary, installedElectronBinary } from './electron-binary.ts';
import { ensureFfmpeg } from '../hub/features/live/sfu/ensure-ffmpeg.ts';
import { ensureWorker } from '../hub/features/live/sfu/ensure-worker.ts';

if (!installedElectronBinary()) {
  const fetched = fetchElectronBinary();
  if (fetched.path === null) {
    console.log(`Electron: the desktop binary was not downloaded — ${fetched.reason}. Everything else is installed; \`npm start\` serves the same app for a browser instead.`);
  }
}
ensureWorker();
ensureFfmpeg();
