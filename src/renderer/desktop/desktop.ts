// The one place the renderer gets its DesktopApi: Electron's preload bridge when present, the browser build otherwise.
import type { DesktopApi } from '../../shared/ipc.ts';
import { createBrowserDesktop } from './browser-desktop.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- global augmentation needs an interface
  interface Window {
    desktop?: DesktopApi;
  }
}

let instance: DesktopApi | null = null;

export function desktop(): DesktopApi {
  instance ??= window.desktop ?? createBrowserDesktop(window.localStorage, __APP_VERSION__);
  return instance;
}
