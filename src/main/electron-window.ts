// Thin adapter: the app window with the remembered state, kiosk/full screen and the security handlers. Decisions live
// in window-state.ts and window-security.ts (tested under Node).
import { BrowserWindow, screen, shell } from 'electron';
import { createWindowStateStore, MIN_SIZE, placeWindow, type WindowState } from './window-state.ts';
import { isAllowedNavigation, isSafeExternalUrl, secureWebPreferences } from './window-security.ts';

export async function createAppWindow(opts: { rendererEntry: string; entryUrl: string; preload: string; stateFile: string }) {
  const store = createWindowStateStore(opts.stateFile);
  const placed = placeWindow(await store.load(), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    x: placed.x,
    y: placed.y,
    width: placed.width,
    height: placed.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    fullscreen: placed.fullScreen,
    kiosk: placed.kiosk,
    title: '云课堂接收端',
    backgroundColor: '#f4f6f8',
    show: false,
    webPreferences: secureWebPreferences(opts.preload),
  });
  if (placed.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, opts.entryUrl)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });

  const snapshot = (): WindowState => {
    const b = win.getNormalBounds();
    return { ...b, maximized: win.isMaximized(), fullScreen: win.isFullScreen(), kiosk: win.isKiosk() };
  };
  let timer: NodeJS.Timeout | null = null;
  const saveSoon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void store.save(snapshot()).catch(() => undefined), 500);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize', 'enter-full-screen', 'leave-full-screen'] as const) win.on(event as 'resize', saveSoon);
  win.on('close', () => void store.save(snapshot()).catch(() => undefined));
  void win.loadFile(opts.rendererEntry);

  return {
    win,
    setFullScreen(on: boolean, kiosk: boolean) {
      if (kiosk || win.isKiosk()) win.setKiosk(on && kiosk);
      win.setFullScreen(on);
      saveSoon();
    },
  };
}
