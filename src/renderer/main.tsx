import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppContext } from './app/app-context.tsx';
import { App } from './app/app.tsx';
import { contentCommands, startContentController } from './app/content-controller.ts';
import { createSession } from './app/session.ts';
import { createShellServices } from './app/shell-services.ts';
import { createStudentMode } from './app/student-mode.ts';
import { openAppDb } from './db/app-db.ts';
import { desktop } from './desktop/desktop.ts';
import { checkItPin, hasItPin } from './features/admin/it-pin.ts';
import { setDataSafety } from './stores/data-safety-store.ts';
import { useDownloads } from './stores/downloads-store.ts';
import { recordedPlayback } from './stores/playback-store.ts';
import { initI18n } from './i18n/i18n.ts';
import { livePreconnect } from './live/live-preconnect.ts';
import './styles/app.css';

initI18n(window.localStorage);
const db = openAppDb();
const session = createSession({
  db,
  desktop: desktop(),
  now: () => new Date(),
  fetch: window.fetch.bind(window),
  onlineEvents: window,
  runExclusive: async (fn) => {
    await navigator.locks.request('ykt-sync', fn);
  },
  prepareLive: (hubUrl, token, onRefused) => livePreconnect.prepare(hubUrl, token, onRefused),
  appVersion: __APP_VERSION__,
});
const studentMode = createStudentMode({
  db,
  now: () => Date.now(),
  log: (level, message) => void desktop().log.write({ level, message }).catch(() => undefined),
  itPin: { isSet: () => hasItPin(window.localStorage), check: (pin) => checkItPin(window.localStorage, pin) },
});
studentMode.watchRefusals();
const shellServices = createShellServices({
  db,
  desktop: desktop(),
  appVersion: __APP_VERSION__,
  now: () => new Date(),
  errors: window,
  playback: recordedPlayback,
  report: setDataSafety,
});
// The database check (and restore after an update that lost IndexedDB) runs before anything reads or writes records.
void shellServices
  .verifyDatabase()
  .catch((error: unknown) => void desktop().log.write({ level: 'error', message: `database check failed: ${String(error)}`.slice(0, 2000) }))
  // 学生模式 is restored before the session says ready (the splash shows till then), so no teacher screen flashes up.
  .then(() => studentMode.restore())
  .catch((error: unknown) => void desktop().log.write({ level: 'error', message: `student mode not restored: ${String(error)}`.slice(0, 2000) }))
  .finally(() => {
    void session.init();
    startContentController({ db, desktop: desktop(), hub: session.hub, fetch: window.fetch.bind(window), now: () => new Date(), events: window });
    shellServices.start();
  });
// Test hook for the chaos test and benchmarks (?test-hooks): the same commands the screens call, nothing more.
if (new URLSearchParams(window.location.search).has('test-hooks')) Object.assign(window, { yktTest: { db, session, studentMode, shellServices, downloads: () => contentCommands.status() ?? useDownloads.getState() } });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppContext.Provider value={{ db, session, studentMode }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
