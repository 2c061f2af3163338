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

/** Parses a Content-Security-Policy into directive → sources (lower-case names, sources as written). */
export function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/**
 * What is wrong with the renderer's CSP, as named problems (empty = fine): scripts only from the app itself, no eval,
 * no inline script, no plugins, no <base> hijack, not framable. connect-src may reach any hub (entered at enrollment)
 * and must allow https: and wss: — a county hub serves HTTPS and live signalling over wss (its certificate is pinned by
 * main, cert-pin.ts); plain http:/ws: stay for loopback and tests. `delivery: 'meta'` checks the <meta> tag, where
 * frame-ancestors is ignored by browsers (and logs a console error): it must not be there, and comes as a header instead
 * (`withRendererCspHeader`).
 */
export function cspProblems(policy: string, delivery: 'header' | 'meta' = 'header'): string[] {
  const csp = parseCsp(policy);
  const problems: string[] = [];
  const scriptSrc = csp.get('script-src') ?? csp.get('default-src');
  if (!scriptSrc) problems.push('no script-src (nor default-src)');
  else {
    // 'wasm-unsafe-eval' permits compiling WebAssembly only (hash-wasm verifies every downloaded chunk), never JS eval.
    const allowed = ["'self'", "'self' 'wasm-unsafe-eval'"];
    if (!allowed.includes(scriptSrc.join(' '))) problems.push(`script-src must be exactly 'self' (optionally with 'wasm-unsafe-eval'), is ${scriptSrc.join(' ')}`);
  }
  for (const [name, sources] of csp) {
    if (sources.includes("'unsafe-eval'")) problems.push(`${name} allows 'unsafe-eval'`);
    if (sources.includes("'wasm-unsafe-eval'") && name !== 'script-src') problems.push(`${name} allows 'wasm-unsafe-eval'`);
    if (sources.includes('*')) problems.push(`${name} allows *`);
    if ((name === 'script-src' || name === 'default-src') && sources.some((s) => s === "'unsafe-inline'" || s === 'data:' || s === 'blob:' || /^https?:/.test(s)))
      problems.push(`${name} allows inline, data:, blob: or remote scripts`);
  }
  if (csp.get('default-src')?.join(' ') !== "'self'") problems.push("default-src must be 'self'");
  if (csp.get('object-src')?.join(' ') !== "'none'") problems.push("object-src must be 'none'");
  if (csp.get('base-uri')?.join(' ') !== "'none'") problems.push("base-uri must be 'none'");
  if (delivery === 'meta') {
    if (csp.has('frame-ancestors')) problems.push('frame-ancestors is ignored in a <meta> CSP: send it as a header');
  } else if (csp.get('frame-ancestors')?.join(' ') !== "'none'") problems.push("frame-ancestors must be 'none'");
  const connect = csp.get('connect-src') ?? [];
  for (const scheme of ['https:', 'wss:']) if (!connect.includes(scheme)) problems.push(`connect-src must allow ${scheme} (a county hub over HTTPS, live signalling over wss)`);
  return problems;
}

/**
 * Response headers for a page the app loads: documents (main frame, sub frame) get RENDERER_HEADER_CSP added, so the
 * app cannot be framed; other responses (hub API, media) are passed through unchanged.
 */
export function withRendererCspHeader(resourceType: string, headers: Record<string, string[]>, headerCsp: string): Record<string, string[]> {
  if (resourceType !== 'mainFrame' && resourceType !== 'subFrame') return headers;
  const name = Object.keys(headers).find((k) => k.toLowerCase() === 'content-security-policy') ?? 'Content-Security-Policy';
  return { ...headers, [name]: [...(headers[name] ?? []), headerCsp] };
}

/** The CSP of an HTML page's <meta http-equiv="Content-Security-Policy">, or null when there is none. */
export function cspFromHtml(html: string): string | null {
  const meta = /<meta\s[^>]*http-equiv=["']Content-Security-Policy["'][^>]*>/i.exec(html)?.[0];
  if (!meta) return null;
  return /content=(["'])([\s\S]*?)\1/i.exec(meta)?.[2] ?? null;
}
