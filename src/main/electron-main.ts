// Thin Electron adapter: wires real platform objects into the plain modules (ipc-dispatch, ipc-handlers,
// shell-handlers, update service, backup store, crash log, window state, menu) that the tests exercise under Node.
import { app, dialog, ipcMain, Menu, net, powerSaveBlocker, safeStorage, session, shell, type MenuItemConstructorOptions } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ipcChannels } from '../shared/ipc.ts';
import { RENDERER_HEADER_CSP } from '../shared/renderer-csp.ts';
import { appMenuTemplate, type MenuCommand, type MenuItemSpec } from './app-menu.ts';
import { createBackupFileStore } from './backup/backup-file-store.ts';
import { CLASSROOM_SWITCHES } from './chromium-switches.ts';
import { createPinStore } from './cert-pin.ts';
import { installCertificatePins } from './electron-cert-pin.ts';
import { probeHubCertificate } from './hub-cert-probe.ts';
import { createCertRefusalLog, createHubTrustHandlers, pinningIdentityStore } from './hub-trust-handlers.ts';
import { createCrashLog, describeError } from './crash-log.ts';
import { createAppWindow } from './electron-window.ts';
import { createElectronUpdaterPort, ensureStagingId } from './electron-updater-port.ts';
import { createIdentityFileStore, plainCodec, type SecretCodec } from './identity-file-store.ts';
import { createIpcDispatcher, type IpcHandlers } from './ipc-dispatch.ts';
import { createIpcHandlers } from './ipc-handlers.ts';
import { createEdgeDiscovery } from './edge-discovery.ts';
import { createShellHandlers } from './shell-handlers.ts';
import { defaultUpdatePolicy, isBackupFreshForInstall, windowsOf, withWindows } from './update/update-policy.ts';
import { createUpdateSettingsStore } from './update/update-settings.ts';
import { bakedPublisherKeys } from './update/publisher-keys.ts';
import { createUpdateService } from './update/update-service.ts';
import { isAllowedNavigation, isPermissionAllowed, withRendererCspHeader } from './window-security.ts';

// A stable name (with electron-builder's stable appId) keeps the user-data folder — IndexedDB, identity, backups — the
// same across updates.
app.setName('yunketang-receiver');
// Before the app is ready, or Chromium has started without them (the footprint bench launches Chromium with the same list).
for (const s of CLASSROOM_SWITCHES) app.commandLine.appendSwitch(s.name, s.value);

const rendererEntry = join(__dirname, '../renderer/index.html');
const entryUrl = pathToFileURL(rendererEntry).href;
const userData = app.getPath('userData');
const log = createCrashLog({ file: join(userData, 'logs', 'app.log') });

process.on('uncaughtException', (error) => void log.write({ level: 'error', ...describeError(error) }));
process.on('unhandledRejection', (error) => void log.write({ level: 'error', ...describeError(error) }));

function keychainCodec(): SecretCodec {
  if (!safeStorage.isEncryptionAvailable()) return plainCodec;
  return {
    seal: (s) => safeStorage.encryptString(s).toString('base64'),
    open: (s) => safeStorage.decryptString(Buffer.from(s, 'base64')),
  };
}

function toElectronMenu(items: MenuItemSpec[], run: Record<MenuCommand, () => void>): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'role':
        return { role: item.role, label: item.label, ...(item.accelerator ? { accelerator: item.accelerator } : {}) };
      case 'command':
        return { label: item.label, click: run[item.command], ...(item.accelerator ? { accelerator: item.accelerator } : {}) };
      case 'submenu':
        return { label: item.label, submenu: toElectronMenu(item.items, run) };
    }
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: Awaited<ReturnType<typeof createAppWindow>> | null = null;
  app.on('second-instance', () => {
    if (!window) return;
    if (window.win.isMinimized()) window.win.restore();
    window.win.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.on('render-process-gone', (_e, details) => void log.write({ level: 'error', message: `renderer gone: ${details.reason}`, detail: `exit code ${details.exitCode}` }));
  });
  app.on('child-process-gone', (_e, details) => void log.write({ level: 'error', message: `${details.type} process gone: ${details.reason}` }));

  void app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((wc, permission, callback) => callback(isPermissionAllowed(permission, wc.getURL(), entryUrl)));
    // frame-ancestors works only as a header (the meta tag in index.html cannot carry it).
    session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
      callback({ responseHeaders: withRendererCspHeader(details.resourceType, details.responseHeaders ?? {}, RENDERER_HEADER_CSP) }),
    );
    // The enrolled hub's certificate is pinned before any request can leave (renderer, net.fetch, electron-updater).
    const pins = createPinStore();
    const refusals = createCertRefusalLog();
    installCertificatePins(pins, (host, presented, pinned) => {
      refusals.record(host, presented, new Date());
      void log.write({ level: 'warn', source: 'main', message: `cert_pin_mismatch: ${host} presented ${presented}, pinned ${pinned}` });
    });
    const identity = pinningIdentityStore(createIdentityFileStore(join(userData, 'identity.json'), keychainCodec()), pins);
    const enrolled = await identity.get().catch(() => null);
    if (enrolled?.hubCertSha256) pins.pin(enrolled.hubUrl, enrolled.hubCertSha256);
    const backups = createBackupFileStore({ dir: join(userData, 'backups') });
    const settingsStore = createUpdateSettingsStore(join(userData, 'update-settings.json'), { channel: 'latest', windows: windowsOf(defaultUpdatePolicy) });
    const settings = await settingsStore.load();
    const updates = createUpdateService({
      updater: createElectronUpdaterPort(log),
      // Electron's net stack: the hub's pinned certificate (cert-pin.ts) applies to the manifest and signature too.
      fetch: (input, init) => net.fetch(input instanceof URL ? input.href : input, init),
      trustedKeys: bakedPublisherKeys(),
      onError: (message) => void log.write({ level: 'warn', source: 'updater', message }),
      config: withWindows(defaultUpdatePolicy, settings.windows),
      currentVersion: app.getVersion(),
      channel: settings.channel,
      saveSettings: (next) => settingsStore.save(next),
      now: () => new Date(),
      // The renderer saves a backup every minute while an update waits; install only with a fresh one on disk.
      backupBeforeInstall: async () => {
        const latest = await backups.latest();
        return isBackupFreshForInstall(latest.state === 'found' ? latest.snapshot.createdAt : null, Date.now());
      },
      hubUrl: async () => {
        const id = await identity.get();
        if (id) await ensureStagingId(userData, id.deviceId);
        return id?.hubUrl ?? null;
      },
      stagingDir: join(userData, 'update-staging'),
      platform: process.platform,
      pickFolder: async () => {
        const picked = await dialog.showOpenDialog({ title: '选择更新文件夹（含 latest.yml）', properties: ['openDirectory'] });
        return picked.canceled ? null : (picked.filePaths[0] ?? null);
      },
    });

    // DNS-SD for the school edge: started on the renderer's first ask, closed when the app quits.
    const edgeDiscovery = createEdgeDiscovery();
    app.once('will-quit', () => edgeDiscovery.close());
    window = await createAppWindow({ rendererEntry, entryUrl, preload: join(__dirname, '../preload/preload.cjs'), stateFile: join(userData, 'window-state.json') });
    const handlers: IpcHandlers = {
      ...createIpcHandlers({
        identity,
        power: {
          start: () => {
            updates.setPlaybackHeld(true);
            return powerSaveBlocker.start('prevent-display-sleep');
          },
          stop: (id) => {
            updates.setPlaybackHeld(false);
            powerSaveBlocker.stop(id);
          },
        },
        appInfo: () => ({
          version: app.getVersion(),
          shell: 'electron',
          platform: process.platform,
          versions: { electron: process.versions.electron ?? '', chrome: process.versions.chrome ?? '', node: process.versions.node },
        }),
      }),
      ...createShellHandlers({ updates, backups, log, window: { setFullScreen: (on, kiosk) => window?.setFullScreen(on, kiosk) } }),
      ...createHubTrustHandlers({ pins, identity, refusals, probe: (url, fingerprint) => probeHubCertificate(url, fingerprint) }),
      'edge:discover': async () => ({ edges: await edgeDiscovery.discover() }),
    };
    const dispatch = createIpcDispatcher(handlers);
    for (const channel of ipcChannels) {
      ipcMain.handle(channel, (event, payload: unknown) => {
        // Only our own page may call in, never a navigated-away or injected frame.
        if (!isAllowedNavigation(event.senderFrame?.url ?? '', entryUrl)) throw new Error('IPC from an unexpected frame');
        return dispatch(channel, payload);
      });
    }

    const run: Record<MenuCommand, () => void> = {
      'toggle-fullscreen': () => window?.setFullScreen(!window.win.isFullScreen(), false),
      'toggle-kiosk': () => window?.setFullScreen(!window.win.isKiosk(), true),
      'check-updates': () => void updates.checkNow(),
      'open-log-folder': () => void shell.openPath(join(userData, 'logs')),
      about: () => void dialog.showMessageBox({ title: '关于', message: `云课堂接收端 ${app.getVersion()}`, detail: `Electron ${process.versions.electron ?? ''}` }),
      quit: () => app.quit(),
    };
    Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronMenu(appMenuTemplate({ isPackaged: app.isPackaged }), run)));

    const tick = () => void updates.tick().catch((error: unknown) => void log.write({ level: 'error', source: 'updater', ...describeError(error) }));
    tick();
    setInterval(tick, 60_000);

    let quitting = false;
    app.on('before-quit', (event) => {
      if (quitting) return;
      event.preventDefault();
      quitting = true;
      // Install at quit only when nothing plays (the policy); otherwise just quit.
      void updates
        .onQuit()
        .catch(() => false)
        .then(async (installing) => {
          await updates.close();
          if (!installing) app.quit();
        });
    });
  });
  app.on('window-all-closed', () => app.quit());
}
