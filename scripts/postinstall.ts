// `npm install` / `npm ci` (the root package's postinstall): the two things npm itself does not bring.
// 1. Electron's binary (Electron ≥ 42 has no install step of its own): one quiet try; where it cannot be downloaded this
//    says so once and the install still succeeds — `npm start` then serves the same app for a browser.
// 2. The hub's mediasoup worker (hub/sfu/ensure-worker.ts).
import { fetchElectronBinary, installedElectronBinary } from './electron-binary.ts';
import { ensureWorker } from '../hub/sfu/ensure-worker.ts';

if (!installedElectronBinary()) {
  const fetched = fetchElectronBinary();
  if (fetched.path === null) {
    console.log(`Electron: the desktop binary was not downloaded — ${fetched.reason}. Everything else is installed; \`npm start\` serves the same app for a browser instead.`);
  }
}
ensureWorker();
