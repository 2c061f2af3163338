import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppContext } from './app/app-context.tsx';
import { App } from './app/app.tsx';
import { createSession } from './app/session.ts';
import { openAppDb } from './db/app-db.ts';
import { desktop } from './desktop/desktop.ts';
import { initI18n } from './i18n/i18n.ts';
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
});
void session.init();
// Test hook for the chaos test and benchmarks (?test-hooks): the same commands the screens call, nothing more.
if (new URLSearchParams(window.location.search).has('test-hooks')) Object.assign(window, { yktTest: { db, session } });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppContext.Provider value={{ db, session }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
