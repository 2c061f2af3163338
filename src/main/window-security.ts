// Security decisions for the app window as pure functions, so they are covered by table-driven tests under Node.

/** webPreferences every window gets: the renderer is untrusted web content. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

/** The app only ever shows its own bundled pages; any other navigation is refused. */
export function isAllowedNavigation(targetUrl: string, appEntryUrl: string): boolean {
  let target: URL;
  let entry: URL;
  try {
    target = new URL(targetUrl);
    entry = new URL(appEntryUrl);
  } catch {
    return false;
  }
  if (target.protocol !== entry.protocol) return false;
  // The host matters for file: too: file://server/… is a network (UNC) path on Windows, not the bundled page.
  if (entry.protocol === 'file:') return target.host === entry.host && target.pathname === entry.pathname;
  return target.origin === entry.origin;
}

/** Web permissions the renderer may be granted: media for live lessons (camera/mic for 同屏互动), wake lock. */
const GRANTED_PERMISSIONS = new Set(['media', 'screen-wake-lock', 'fullscreen']);

export function isPermissionAllowed(permission: string, requestingUrl: string, appEntryUrl: string): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isAllowedNavigation(requestingUrl, appEntryUrl);
}

/** External links (e.g. a hub report page) open in the system browser, only over http(s). */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
