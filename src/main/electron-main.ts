// Thin Electron adapter: the only main-process file that imports `electron`. It wires real platform objects into the
// plain modules (ipc-dispatch, ipc-handlers, window-security, identity-file-store) that the tests exercise under Node.
import { app, BrowserWindow, ipcMain, powerSaveBlocker, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ipcChannels } from '../shared/ipc.ts';
import { createIdentityFileStore, plainCodec, type SecretCodec } from './identity-file-store.ts';
import { createIpcDispatcher } from './ipc-dispatch.ts';
import { createIpcHandlers } from './ipc-handlers.ts';
import { isAllowedNavigation, isPermissionAllowed, isSafeExternalUrl, secureWebPreferences } from './window-security.ts';

// A stable name keeps the user-data folder (IndexedDB, identity) the same across updates.
app.setName('yunketang-receiver');

const rendererEntry = join(__dirname, '../renderer/index.html');
const entryUrl = pathToFileURL(rendererEntry).href;

function keychainCodec(): SecretCodec {
  if (!safeStorage.isEncryptionAvailable()) return plainCodec;
  return {
    seal: (s) => safeStorage.encryptString(s).toString('base64'),
    open: (s) => safeStorage.decryptString(Buffer.from(s, 'base64')),
  };
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: '云课堂接收端',
    backgroundColor: '#f4f6f8',
    webPreferences: secureWebPreferences(join(__dirname, '../preload/preload.cjs')),
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, entryUrl)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void win.loadFile(rendererEntry);
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((wc, permission, callback) =>
      callback(isPermissionAllowed(permission, wc.getURL(), entryUrl)),
    );
    const dispatch = createIpcDispatcher(
      createIpcHandlers({
        identity: createIdentityFileStore(join(app.getPath('userData'), 'identity.json'), keychainCodec()),
        power: { start: () => powerSaveBlocker.start('prevent-display-sleep'), stop: (id) => powerSaveBlocker.stop(id) },
        appInfo: () => ({
          version: app.getVersion(),
          shell: 'electron',
          platform: process.platform,
          versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node },
        }),
      }),
    );
    for (const channel of ipcChannels) {
      ipcMain.handle(channel, (event, payload: unknown) => {
        // Only our own page may call in, never a navigated-away or injected frame.
        if (!isAllowedNavigation(event.senderFrame?.url ?? '', entryUrl)) throw new Error('IPC from an unexpected frame');
        return dispatch(channel, payload);
      });
    }
    mainWindow = createWindow();
  });
  app.on('window-all-closed', () => app.quit());
}
