// The preload's only job: expose one typed `window.desktop` built from the IPC contract. No raw ipcRenderer leaks out.
import { contextBridge, ipcRenderer } from 'electron';
import { buildDesktopApi } from './build-desktop-api.ts';

contextBridge.exposeInMainWorld('desktop', buildDesktopApi((channel, request) => ipcRenderer.invoke(channel, request)));
