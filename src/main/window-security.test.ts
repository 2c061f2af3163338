import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_HEADER_CSP } from '../shared/renderer-csp.ts';
import { cspFromHtml, cspProblems, isAllowedNavigation, isPermissionAllowed, isSafeExternalUrl, secureWebPreferences, withRendererCspHeader } from './window-security.ts';

// What electron-main passes: pathToFileURL(<resources>/app.asar/dist/renderer/index.html).
const packagedEntry = 'file:///C:/Program%20Files/yunketang-receiver/resources/app.asar/dist/renderer/index.html';
// A dev server entry (vite), for the http branch.
const devEntry = 'http://localhost:5173/';

describe('secureWebPreferences', () => {
  const prefs = secureWebPreferences('/app/dist/preload/preload.cjs');

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['webviewTag', false],
  ] as const)('sets %s to %s', (key, expected) => {
    expect(prefs[key]).toBe(expected);
  });

  it('uses the given preload script', () => {
    expect(prefs.preload).toBe('/app/dist/preload/preload.cjs');
    expect(secureWebPreferences('other.cjs').preload).toBe('other.cjs');
  });

  it('sets no option beyond the reviewed list (a new one needs a security review and a row above)', () => {
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'preload',
        'contextIsolation',
        'sandbox',
        'nodeIntegration',
        'nodeIntegrationInWorker',
        'nodeIntegrationInSubFrames',
        'webSecurity',
        'allowRunningInsecureContent',
        'experimentalFeatures',
        'webviewTag',
        'spellcheck',
      ].sort(),
    );
  });
});

describe('isAllowedNavigation', () => {
  describe('packaged app (file:// entry)', () => {
    it.each([
      ['the entry page itself', packagedEntry, true],
      ['the entry page with a hash route', `${packagedEntry}#/timetable`, true],
      ['the entry page with a query', `${packagedEntry}?lang=en`, true],
      ['the entry page via a dot segment', packagedEntry.replace('/renderer/', '/renderer/../renderer/'), true],
      ['the entry page via file://localhost', packagedEntry.replace('file:///', 'file://localhost/'), true],
      ['another bundled file', packagedEntry.replace('index.html', 'other.html'), false],
      ['a system file', 'file:///C:/Windows/System32/drivers/etc/hosts', false],
      ['the same path on a remote (UNC) host', packagedEntry.replace('file:///', 'file://attacker.example/'), false],
      ['a web page', 'http://evil.example/', false],
      ['an https web page', 'https://evil.example/index.html', false],
      ['javascript:', 'javascript:alert(1)', false],
      ['data:', 'data:text/html,<script>alert(1)</script>', false],
      ['blob:', 'blob:file:///0a6d5b3e-4ad2-4b7e-9a0c-0a6d5b3e4ad2', false],
      ['about:blank', 'about:blank', false],
      ['an empty string', '', false],
      ['not a URL', 'index.html', false],
    ])('%s → %s', (_label, target, allowed) => {
      expect(isAllowedNavigation(target, packagedEntry)).toBe(allowed);
    });
  });

  describe('dev server (http entry)', () => {
    it.each([
      ['the entry page', devEntry, true],
      ['another route on the same origin', 'http://localhost:5173/src/renderer/index.html#/x', true],
      ['another port', 'http://localhost:5174/', false],
      ['https on the same host', 'https://localhost:5173/', false],
      ['a look-alike host', 'http://localhost.evil.example:5173/', false],
      ['userinfo trick', 'http://localhost:5173@evil.example/', false],
      ['the entry inside a query of another site', `http://evil.example/?${devEntry}`, false],
      ['a file:// page', 'file:///etc/passwd', false],
      ['javascript:', 'javascript:location="http://localhost:5173/"', false],
      ['data:', 'data:text/html,hi', false],
    ])('%s → %s', (_label, target, allowed) => {
      expect(isAllowedNavigation(target, devEntry)).toBe(allowed);
    });
  });

  it('refuses everything when the entry URL itself is unparsable', () => {
    expect(isAllowedNavigation(packagedEntry, 'not a url')).toBe(false);
    expect(isAllowedNavigation('', '')).toBe(false);
  });
});

describe('isPermissionAllowed', () => {
  it.each([
    ['media', packagedEntry, true],
    ['screen-wake-lock', packagedEntry, true],
    ['fullscreen', `${packagedEntry}#/live`, true],
    ['media', 'http://evil.example/', false],
    ['media', 'file:///C:/Users/Public/evil.html', false],
    ['fullscreen', 'data:text/html,x', false],
    ['media', '', false],
    ['geolocation', packagedEntry, false],
    ['notifications', packagedEntry, false],
    ['clipboard-read', packagedEntry, false],
    ['clipboard-sanitized-write', packagedEntry, false],
    ['midi', packagedEntry, false],
    ['openExternal', packagedEntry, false],
    ['pointerLock', packagedEntry, false],
    ['unknown', packagedEntry, false],
    ['', packagedEntry, false],
    ['MEDIA', packagedEntry, false],
    ['constructor', packagedEntry, false],
  ])('%s requested from %s → %s', (permission, url, allowed) => {
    expect(isPermissionAllowed(permission, url, packagedEntry)).toBe(allowed);
  });
});

describe('isSafeExternalUrl', () => {
  it.each([
    ['https://hub.example.cn/report/1', true],
    ['http://192.168.1.10:8787/report', true],
    ['HTTPS://HUB.EXAMPLE.CN/', true],
    ['javascript:alert(1)', false],
    ['file:///C:/Windows/System32/calc.exe', false],
    ['file://attacker/share/payload.exe', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['smb://attacker/share', false],
    ['ms-msdt:/id PCWDiagnostic', false],
    ['mailto:it@example.cn', false],
    ['vbscript:msgbox(1)', false],
    ['//evil.example/', false],
    ['evil.example', false],
    ['', false],
  ])('%s → %s', (url, safe) => {
    expect(isSafeExternalUrl(url)).toBe(safe);
  });
});

describe('renderer Content-Security-Policy', () => {
  const good =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' http: https: ws: wss:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  it('src/renderer/index.html carries a CSP with no problems; with the header part, the whole policy has none', () => {
    const html = readFileSync(join(import.meta.dirname, '../renderer/index.html'), 'utf8');
    const csp = cspFromHtml(html);
    expect(csp).not.toBeNull();
    expect(cspProblems(csp ?? '', 'meta')).toEqual([]);
    expect(cspProblems(`${csp ?? ''}; ${RENDERER_HEADER_CSP}`)).toEqual([]);
  });

  it('flags frame-ancestors in a meta tag (ignored there, and a console error on every load)', () => {
    expect(cspProblems(good, 'meta')).toEqual(['frame-ancestors is ignored in a <meta> CSP: send it as a header']);
    expect(cspProblems(good.replace("; frame-ancestors 'none'", ''), 'meta')).toEqual([]);
  });

  it.each([
    ['mainFrame', {}, { 'Content-Security-Policy': [RENDERER_HEADER_CSP] }],
    ['subFrame', { 'content-security-policy': ["default-src 'self'"] }, { 'content-security-policy': ["default-src 'self'", RENDERER_HEADER_CSP] }],
    ['xhr', { 'content-type': ['application/json'] }, { 'content-type': ['application/json'] }],
    ['media', {}, {}],
  ])('adds the header CSP to documents only (%s)', (type, headers, expected) => {
    expect(withRendererCspHeader(type, headers, RENDERER_HEADER_CSP)).toEqual(expected);
  });

  it('the reference policy passes, also with WebAssembly compilation allowed (hash-wasm)', () => {
    expect(cspProblems(good)).toEqual([]);
    expect(cspProblems(good.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"))).toEqual([]);
    expect(cspProblems(good.replace("style-src 'self'", "style-src 'self' 'wasm-unsafe-eval'"))).toEqual(["style-src allows 'wasm-unsafe-eval'"]);
  });

  it.each([
    ['unsafe-eval in script-src', good.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'"), /unsafe-eval/],
    ['inline scripts', good.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"), /script-src must be exactly 'self'/],
    ['a remote script host', good.replace("script-src 'self'", "script-src 'self' https://cdn.example"), /script-src/],
    ['no script-src and a loose default-src', good.replace("script-src 'self'; ", '').replace("default-src 'self'", 'default-src *'), /allows \*/],
    ['no CSP directives at all', '', /no script-src/],
    ['unsafe-eval hidden in style-src', good.replace("style-src 'self'", "style-src 'self' 'unsafe-eval'"), /style-src allows 'unsafe-eval'/],
    ['plugins allowed', good.replace("object-src 'none'", "object-src 'self'"), /object-src/],
    ['object-src missing', good.replace("object-src 'none'; ", ''), /object-src/],
    ['base-uri missing (a <base> tag could redirect relative script URLs)', good.replace("base-uri 'none'; ", ''), /base-uri/],
    ['framable', good.replace("frame-ancestors 'none'", "frame-ancestors *"), /frame-ancestors/],
    ['data: scripts', good.replace("script-src 'self'", "script-src 'self' data:"), /script-src/],
    ['a wildcard connect-src', good.replace("connect-src 'self' http: https: ws: wss:", 'connect-src *'), /connect-src allows \*/],
    ['no https: for a county hub over HTTPS', good.replace('http: https: ws: wss:', 'http: ws: wss:'), /connect-src must allow https:/],
    ['no wss: for live signalling over HTTPS', good.replace('http: https: ws: wss:', 'http: https: ws:'), /connect-src must allow wss:/],
  ])('flags %s', (_label, policy, problem) => {
    expect(cspProblems(policy).join('\n')).toMatch(problem);
  });

  it.each([
    ['double quotes', `<meta http-equiv="Content-Security-Policy" content="${good}" />`, good],
    ['attributes reordered', `<meta content="${good}" http-equiv='Content-Security-Policy'>`, good],
    ['none', '<meta charset="UTF-8" />', null],
  ])('reads the meta tag (%s)', (_label, html, expected) => {
    expect(cspFromHtml(html)).toBe(expected);
  });
});
