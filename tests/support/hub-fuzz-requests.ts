// The hostile requests the hub fuzz sends at every route of its route table, by group: URL spellings, methods, bodies,
// encodings, ranges, upgrades, headers, request targets. Each is a raw HTTP/1.1 request (tests/support/raw-http.ts),
// so nothing is normalised on the way. Deterministic: the same route list gives the same requests.
import { gzipSync } from 'node:zlib';
import type { HubRoute } from '../../hub/core/http/access-groups.ts';
import { LIVE_WS_PATH } from '../../src/shared/live-protocol.ts';
import { PROTOCOL_HEADER } from '../../src/shared/protocol.ts';

export type FuzzCase = {
  name: string;
  request: Buffer;
  /** Carries the route's own credential (so refusals are about the input, not the caller). */
  credentialed: boolean;
  /** A well-framed request: the hub owes it an answer. Truncated ones may just be closed. */
  complete: boolean;
  head?: boolean;
  /** A handshake on the live socket: `ws` answers a bad one itself, in plain text. */
  liveUpgrade?: boolean;
};

export type FuzzGroup = 'spellings' | 'methods' | 'bodies' | 'encodings' | 'ranges' | 'upgrades' | 'headers' | 'targets' | 'cookies';
export const FUZZ_GROUPS: FuzzGroup[] = ['spellings', 'methods', 'bodies', 'encodings', 'ranges', 'upgrades', 'headers', 'targets', 'cookies'];

/** `staff`: a signed-in staff session (report sign-in): its cookie and CSRF token; `staffLogout`: another one, for
 *  the sign-out route only (the first request that reaches it ends that session, not the one the other routes use). */
export type StaffCredential = { cookie: string; csrf: string };
export type Credentials = { admin: string; device: string; port: number; staff: StaffCredential; staffLogout: StaffCredential };

const CRLF = '\r\n';
type Header = [string, string];

function raw(method: string, target: string, headers: Header[], body: Buffer | string = '', version = 'HTTP/1.1'): Buffer {
  const lines = [`${method} ${target} ${version}`, ...headers.map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(lines.join(CRLF) + CRLF + CRLF, 'latin1'), Buffer.from(body)]);
}

/** A concrete path for a route pattern, parameters filled with values its schema accepts. */
export function concretePath(url: string): string {
  return url.replace(/:sha256/g, 'a'.repeat(64)).replace(/:channel/g, 'latest').replace(/:file/g, 'latest.yml').replace(/:[A-Za-z]+/g, 'les-j7-0-0');
}

function credentialFor(route: HubRoute, creds: Credentials): Header[] {
  if (route.access === 'device') return [['Authorization', `Bearer ${creds.device}`]];
  if (route.access === 'admin' || route.access === 'admin-page') return [['Authorization', `Bearer ${creds.admin}`]];
  if (route.access === 'staff') {
    const staff = route.url.endsWith('/logout') ? creds.staffLogout : creds.staff;
    return [['Cookie', staff.cookie], ['X-CSRF-Token', staff.csrf]];
  }
  return [];
}

const BIG = 5 * 1024 * 1024;
const gzipBomb = gzipSync(Buffer.concat([Buffer.from('{"ops":["'), Buffer.alloc(32 * 1024 * 1024, 0x30), Buffer.from('"]}')]));
const gzipJson = gzipSync('{"ops":[{"id":"fz","seq":1}],"code":"X","deviceName":"y"}');

const BODIES: [string, string | Buffer, string][] = [
  ['empty JSON', '', 'application/json'],
  ['broken JSON', '{"ops":[', 'application/json'],
  ['null', 'null', 'application/json'],
  ['array', '[]', 'application/json'],
  ['string', '"x"', 'application/json'],
  ['number overflow', '1e999999', 'application/json'],
  ['prototype pollution', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', 'application/json'],
  ['deep nesting', `${'['.repeat(50_000)}${']'.repeat(50_000)}`, 'application/json'],
  ['wrong field types', '{"ops":"x","code":{},"deviceName":[],"classroomId":7,"title":null}', 'application/json'],
  ['10 000 ops', JSON.stringify({ ops: Array.from({ length: 10_000 }, (_, i) => ({ id: `o${i}` })) }), 'application/json'],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 'application/json'],
  ['over the body limit', Buffer.alloc(BIG, 0x20), 'application/json'],
  ['form encoded', 'a=1&b=2', 'application/x-www-form-urlencoded'],
  ['multipart', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', 'multipart/form-data; boundary=x'],
  ['plain text', 'hello', 'text/plain'],
  ['odd charset', '{}', 'application/json; charset=utf-7'],
  ['no content type', '{}', ''],
];

const ENCODINGS: [string, string, Buffer][] = [
  ['gzip', 'gzip', gzipJson],
  ['gzip bomb', 'gzip', gzipBomb],
  ['not gzip', 'gzip', Buffer.from('this is not gzip')],
  ['truncated gzip', 'gzip', gzipJson.subarray(0, gzipJson.length - 10)],
  ['empty gzip', 'gzip', Buffer.alloc(0)],
  ['deflate', 'deflate', gzipJson],
  ['brotli', 'br', gzipJson],
  ['gzip twice', 'gzip, gzip', gzipSync(gzipJson)],
  ['unknown', 'x-compress-9000', Buffer.from('{}')],
  ['upper case', 'GZIP', gzipJson],
];

const RANGES = [
  'bytes=0-',
  'bytes=0-0',
  'bytes=-1',
  'bytes=-0',
  'bytes=999999999999999999999-',
  'bytes=5-1',
  'bytes=abc',
  'items=0-1',
  `bytes=${Array.from({ length: 2000 }, () => '0-').join(',')}`,
  `bytes=${Array.from({ length: 150 }, (_, i) => `${i * 3}-${i * 3 + 1}`).join(',')}`,
  'bytes=0-1,,,,2-3',
];

export function fuzzCases(group: FuzzGroup, route: HubRoute, creds: Credentials): FuzzCase[] {
  const path = concretePath(route.url);
  const cred = credentialFor(route, creds);
  const base: Header[] = [['Host', 'hub'], ['Connection', 'close']];
  const json = (body: string | Buffer, type = 'application/json'): Header[] => [...(type ? ([['Content-Type', type]] as Header[]) : []), ['Content-Length', String(Buffer.byteLength(body))]];
  const one = (name: string, request: Buffer, credentialed: boolean, extra: Partial<FuzzCase> = {}): FuzzCase => ({
    name: `${group}: ${name}`,
    request,
    credentialed,
    complete: true,
    head: methodOf(request) === 'HEAD',
    ...extra,
  });
  const m = route.method;

  switch (group) {
    case 'spellings': {
      const first = (encode: (c: string) => string) => path.split('/').map((s) => (s ? encode(s[0] ?? '') + s.slice(1) : s)).join('/');
      const pct = (c: string) => `%${c.charCodeAt(0).toString(16)}`;
      const targets = [
        path,
        first(pct),
        first((c) => pct(c).toUpperCase()),
        path.replace(/[a-z]/g, pct),
        first((c) => `%25${pct(c).slice(1)}`),
        `http://127.0.0.1:${creds.port}${path}`,
        `http://attacker.example${path}`,
        `${path}/`,
        path.toUpperCase(),
        `/${path}`,
        path.replace(/^\/(\w+)\//, '/$1/./'),
        path.replace(/^\/(\w+)\//, '/$1/x/../'),
        `${path};x=1`,
        `${path}?key=${'k'.repeat(40)}`,
      ];
      return targets.flatMap((target) => [
        one(`${m} ${target}`, raw(m, target, base), false),
        one(`HEAD ${target}`, raw('HEAD', target, base), false, { head: true }),
        one(`OPTIONS ${target}`, raw('OPTIONS', target, [...base, ['Origin', 'http://x'], ['Access-Control-Request-Method', m]]), false),
      ]);
    }
    case 'methods':
      return ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'CONNECT', 'BREW', 'get'].flatMap((method) => [
        one(`${method} (no credential)`, raw(method, path, base), false),
        one(`${method} (credential)`, raw(method, path, [...base, ...cred]), true),
      ]);
    case 'bodies':
      // An over-limit body may be refused before it is read; the client can then see the connection reset before the
      // answer (as with nginx), so only that one is not owed an answer.
      return BODIES.map(([name, body, type]) =>
        one(name, raw(m === 'GET' || m === 'HEAD' ? 'POST' : m, path, [...base, ...cred, ...json(body, type)], body), true, { complete: body.length < BIG }),
      );
    case 'encodings':
      return ENCODINGS.flatMap(([name, encoding, body]) => [
        one(`${m} ${name}`, raw(m, path, [...base, ...cred, ['Content-Encoding', encoding], ...json(body)], m === 'GET' || m === 'HEAD' ? '' : body), true),
        one(`POST ${name}`, raw('POST', path, [...base, ...cred, ['Content-Encoding', encoding], ...json(body)], body), true),
      ]);
    case 'ranges':
      return RANGES.flatMap((range) => [
        one(`Range ${range.slice(0, 40)}`, raw(m === 'HEAD' ? 'HEAD' : 'GET', path, [...base, ...cred, ['Range', range]]), true),
        one(`Range + If-Range ${range.slice(0, 40)}`, raw('GET', path, [...base, ...cred, ['Range', range], ['If-Range', '"nonsense"'], ['If-None-Match', 'W/"x", *']]), true),
      ]);
    case 'upgrades': {
      const ws: Header[] = [['Connection', 'Upgrade'], ['Upgrade', 'websocket'], ['Sec-WebSocket-Version', '13'], ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==']];
      return [
        one('websocket', raw('GET', path, [['Host', 'hub'], ...cred, ...ws]), true),
        one('websocket, no credential', raw('GET', path, [['Host', 'hub'], ...ws]), false),
        one('h2c', raw('GET', path, [['Host', 'hub'], ['Connection', 'Upgrade, HTTP2-Settings'], ['Upgrade', 'h2c'], ['HTTP2-Settings', 'AAMAAABkAAQCAAAAAAIAAAAA']]), false),
        one('websocket POST', raw('POST', path, [['Host', 'hub'], ...ws, ['Content-Length', '2']], '{}'), false),
        one('live socket, bad key', raw('GET', LIVE_WS_PATH, [['Host', 'hub'], ['Connection', 'Upgrade'], ['Upgrade', 'websocket'], ['Sec-WebSocket-Version', '13'], ['Sec-WebSocket-Key', 'nope']]), false, { liveUpgrade: true }),
        one('live socket, absolute form', raw('GET', `http://hub${LIVE_WS_PATH}`, [['Host', 'hub'], ['Connection', 'Upgrade'], ['Upgrade', 'websocket'], ['Sec-WebSocket-Version', '99'], ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==']]), false, { liveUpgrade: true }),
      ];
    }
    case 'headers':
      return [
        one('20 KiB header', raw(m, path, [...base, ...cred, ['X-Big', 'x'.repeat(20 * 1024)]]), true),
        one('3000 headers', raw(m, path, [...base, ...cred, ...Array.from({ length: 3000 }, (_, i): Header => [`X-H${i}`, 'v'])]), true),
        one('long bearer', raw(m, path, [...base, ['Authorization', `Bearer ${'a'.repeat(8000)}`]]), false),
        one('two authorizations', raw(m, path, [...base, ['Authorization', 'Bearer wrong-token-wrong-token'], ...cred.filter(([k]) => k === 'Authorization')]), false),
        one('basic auth', raw(m, path, [...base, ['Authorization', 'Basic YWRtaW46YWRtaW4=']]), false),
        ...['abc', '-1', '99999999999999999999', '1.5', ''].map((v) => one(`protocol ${JSON.stringify(v)}`, raw(m, path, [...base, ...cred, [PROTOCOL_HEADER, v]]), true)),
        one('control characters', raw(m, path, [...base, ...cred, ['X-Bad', 'a\x01\x7fb']]), true),
        // Answers may come compressed (brotli/gzip): odd preferences, refusals of everything, unknown codings.
        ...['gzip, br, zstd;q=0.5, *;q=0.1', 'identity;q=0, *;q=0', 'br;q=x, gzip;q=-1', `${'x-unknown, '.repeat(300)}gzip`].map((v) =>
          one(`accept-encoding ${JSON.stringify(v.slice(0, 30))}`, raw(m, path, [...base, ...cred, ['Accept-Encoding', v]]), true),
        ),
        one('no Host', raw(m, path, [['Connection', 'close'], ...cred]), true),
        one('HTTP/1.0', raw(m, path, cred, '', 'HTTP/1.0'), true),
        one('HTTP/2.0 request line', raw(m, path, base, '', 'HTTP/2.0'), false),
        one('content-length and chunked', raw('POST', path, [...base, ...cred, ['Content-Length', '5'], ['Transfer-Encoding', 'chunked']], '0\r\n\r\n'), true),
        one('bad chunk size', raw('POST', path, [...base, ...cred, ['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], 'zz\r\n{}\r\n0\r\n\r\n'), true),
        one('two content-lengths', raw('POST', path, [...base, ...cred, ['Content-Length', '2'], ['Content-Length', '3']], '{}'), true),
        one('negative content-length', raw('POST', path, [...base, ...cred, ['Content-Length', '-1']]), true),
        one('expect 100-continue', raw('POST', path, [...base, ...cred, ['Expect', '100-continue'], ...json('{}')], '{}'), true),
        one('short body (closed early)', raw('POST', path, [...base, ...cred, ...json('x'.repeat(100))], '{"a":'), true, { complete: false }),
        one('garbage request line', Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n', 'latin1'), false),
        one('bare newlines', Buffer.from(`${m} ${path} HTTP/1.1\nHost: hub\n\n`), true),
      ];
    case 'targets': {
      const targets = [
        `${path}?cursor=-1&limit=0`,
        `${path}?cursor=1e309&limit=abc&bytes=99999999999999`,
        `${path}?page=0&lessonId=%00&from=2026-13-45`,
        `${path}?page=1e309&page=2&schoolId[]=x`,
        `${path}?a[b][c]=1&__proto__[x]=1&constructor[prototype][y]=2`,
        `${path}?${'q'.repeat(9000)}=1`,
        `${path}?x=%E0%A4%A`,
        path.replace(/les-j7-0-0|a{64}|latest\.yml/, ''),
        path.replace(/les-j7-0-0|a{64}|latest\.yml/, '..'),
        path.replace(/les-j7-0-0|a{64}|latest\.yml/, '%2e%2e%2fhub.sqlite'),
        path.replace(/les-j7-0-0|a{64}|latest\.yml/, 'x'.repeat(500)),
        path.replace(/les-j7-0-0|a{64}|latest\.yml/, '%00'),
        path.replace(/les-j7-0-0|a{64}|latest\.yml/, '%ZZ'),
        path.replace(/les-j7-0-0|a{64}|latest\.yml/, '%E4%B8%AD%E6%96%87'),
        `${path}/${'%2F'.repeat(100)}`,
        '*',
        '/../../../../etc/passwd',
        `/${'a/'.repeat(2000)}`,
      ];
      return targets.map((target) => one(`${m} ${target.slice(0, 60)}`, raw(m, target, [...base, ...cred]), true));
    }
    case 'cookies': {
      // The staff session cookie and its CSRF token, hostile: none of these is a credential for any group.
      const cookie = (value: string): Header => ['Cookie', value];
      const write = m === 'GET' || m === 'HEAD' ? 'POST' : m;
      const session = creds.staff.cookie;
      return [
        one('unknown session', raw(m, path, [...base, cookie(`ykt_staff=${'A'.repeat(43)}`)]), false),
        one('malformed cookie', raw(m, path, [...base, cookie('ykt_staff=%%%;;==;ykt_staff')]), false),
        one('8 KiB cookie', raw(m, path, [...base, cookie(`ykt_staff=${'x'.repeat(8 * 1024)}`)]), false),
        one('500 cookies', raw(m, path, [...base, cookie(Array.from({ length: 500 }, (_, i) => `c${i}=v`).join('; '))]), false),
        one('admin token as cookie', raw(m, path, [...base, cookie(`ykt_staff=${creds.admin}`)]), false),
        one('CSRF token as cookie', raw(m, path, [...base, cookie(`ykt_staff=${creds.staff.csrf}`), ['X-CSRF-Token', creds.staff.csrf]]), false),
        one('bad cookie before the good one', raw(m, path, [...base, cookie(`ykt_staff=bad; ${session}`)]), false),
        one('write without CSRF token', raw(write, path, [...base, cookie(session), ...json('{}')], '{}'), false),
        one('write with a wrong CSRF token', raw(write, path, [...base, cookie(session), ['X-CSRF-Token', 'x'.repeat(32)], ...json('{}')], '{}'), false),
        one('write from another Origin', raw(write, path, [...base, cookie(session), ['X-CSRF-Token', creds.staff.csrf], ['Origin', 'http://evil.example'], ...json('{}')], '{}'), false),
        one('write with two CSRF headers', raw(write, path, [...base, cookie(session), ['X-CSRF-Token', creds.staff.csrf], ['X-CSRF-Token', creds.staff.csrf], ...json('{}')], '{}'), false),
      ];
    }
  }
}

/** True for a response any caller may get whatever its credential: a refusal, a 404, or an empty CORS preflight. */
export function isRefusal(status: number, method: string, body: Buffer): boolean {
  if (status >= 400) return true;
  return method === 'OPTIONS' && status === 204 && body.length === 0;
}

/** The method on a raw request line. */
export function methodOf(request: Buffer): string {
  return request.subarray(0, 12).toString('latin1').split(' ')[0] ?? '';
}
