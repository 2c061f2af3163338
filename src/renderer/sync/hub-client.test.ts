import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../tests/support/ports.ts';
import { startTinyHttp, type TinyHttp } from '../../../tests/support/tiny-http.ts';
import { HubPaths, PROTOCOL_HEADER, PROTOCOL_VERSION, type EnrollResponse, type PullResponse } from '../../shared/protocol.ts';
import { createHubClient, HubRequestError, normaliseHubUrl, parseRetryAfter } from './hub-client.ts';

const TOKEN = 'device-token-'.padEnd(48, 'z');

const enrollOk: EnrollResponse = {
  protocol: PROTOCOL_VERSION,
  device: { id: 'dev_01', token: TOKEN },
  school: { id: 'sch-1', name: '某小学', kind: 'receiving', allianceId: 'alliance-1' },
  classroom: { id: 'cls-1', schoolId: 'sch-1', name: '三年级一班', grade: '3' },
  hubName: '县 hub',
};

const pullOk: PullResponse = {
  protocol: PROTOCOL_VERSION,
  cursor: 43,
  hasMore: false,
  serverTime: '2025-09-01T00:00:00.000Z',
  changes: [
    {
      type: 'lesson.put',
      lesson: {
        id: 'l1',
        classroomId: 'cls-1',
        courseId: 'math-3',
        subject: '数学',
        title: '两位数乘法',
        leadSchoolName: '成都七中',
        teacherName: '王老师',
        startsAt: '2025-09-01T08:00:00+08:00',
        endsAt: '2025-09-01T08:45:00+08:00',
        mode: 'live',
      },
    },
    { type: 'student.delete', id: 's9' },
  ],
};

const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });

/** The error a promise rejected with, or a failure if it resolved. */
async function failure(promise: Promise<unknown>): Promise<HubRequestError> {
  const error: unknown = await promise.then(
    () => new Error('expected the request to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubRequestError);
  return error as HubRequestError;
}

let hub: TinyHttp;

beforeAll(async () => {
  hub = await startTinyHttp();
});

afterAll(async () => {
  await hub.close();
});

beforeEach(() => {
  hub.requests.length = 0;
});

describe('hub client against a real HTTP server', () => {
  it('enroll: POSTs JSON with the protocol header, no token, and returns the parsed answer', async () => {
    hub.respond(() => json(200, enrollOk));
    const result = await createHubClient({ baseUrl: hub.url }).enroll({ code: 'ab12cd', deviceName: '三年级一班电脑' });
    expect(result).toEqual(enrollOk);

    const [request] = hub.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(HubPaths.enroll);
    expect(request?.headers[PROTOCOL_HEADER]).toBe(String(PROTOCOL_VERSION));
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(JSON.parse(request?.body ?? '')).toEqual({ code: 'ab12cd', deviceName: '三年级一班电脑' });
  });

  it('pull: GETs with the cursor and bearer token, and returns the parsed page', async () => {
    hub.respond(() => json(200, pullOk));
    const page = await createHubClient({ baseUrl: hub.url, token: TOKEN }).pull(42);
    expect(page).toEqual(pullOk);

    const [request] = hub.requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe(`${HubPaths.pull}?cursor=42`);
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers[PROTOCOL_HEADER]).toBe('1');
    expect(request?.headers['content-type']).toBeUndefined();
  });

  it.each([
    [400, 'bad_request'],
    [400, 'enrollment_code_invalid'],
    [410, 'enrollment_code_expired'],
    [409, 'enrollment_code_used'],
    [401, 'unauthorized'],
    [403, 'device_revoked'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [426, 'client_too_old'],
    [400, 'hub_too_old'],
    [413, 'payload_too_large'],
    [500, 'internal'],
  ] as const)('HTTP %i with error code %s → HubRequestError with that reason, status and message', async (status, code) => {
    hub.respond(() => json(status, { error: { code, message: `hub says ${code}` } }));
    const error = await failure(createHubClient({ baseUrl: hub.url, token: TOKEN }).pull(0));
    expect(error.reason).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toBe(`hub says ${code}`);
  });

  it.each([
    ['a truncated JSON body', 200, '{"protocol":1,"cursor":'],
    ['an empty body', 200, ''],
    ['an HTML page (captive portal)', 200, '<html><body>请登录校园网</body></html>'],
    ['JSON of the wrong shape', 200, JSON.stringify({ ...pullOk, cursor: 'not-a-number' })],
    ['changes that are not a list', 200, JSON.stringify({ ...pullOk, changes: { type: 'lesson.put' } })],
    ['another protocol version', 200, JSON.stringify({ ...pullOk, protocol: 2 })],
    ['JSON null', 200, 'null'],
    ['an error status with an HTML body (proxy)', 502, '<html>Bad Gateway</html>'],
    ['an error status with a non-protocol JSON body', 502, JSON.stringify({ message: 'Bad Gateway' })],
    ['an error status with an unknown error code', 418, JSON.stringify({ error: { code: 'teapot', message: 'short and stout' } })],
    ['an error status whose message is too long', 500, JSON.stringify({ error: { code: 'internal', message: 'x'.repeat(2001) } })],
  ])('%s → invalid_response', async (_label, status, body) => {
    hub.respond(() => ({ status, body }));
    const error = await failure(createHubClient({ baseUrl: hub.url, token: TOKEN }).pull(0));
    expect(error.reason).toBe('invalid_response');
    expect(error.status).toBe(status);
  });

  it('a pull page with one change that breaks the schema is passed on whole: applyPull skips and reports that change', async () => {
    const bad = { type: 'lesson.put', lesson: { id: '../x' } };
    hub.respond(() => json(200, { ...pullOk, changes: [bad] }));
    const page = await createHubClient({ baseUrl: hub.url, token: TOKEN }).pull(0);
    expect(page.changes).toEqual([bad]);
  });

  it('an enroll answer without a usable device token → invalid_response', async () => {
    hub.respond(() => json(200, { ...enrollOk, device: { id: 'dev_01', token: 'short' } }));
    const error = await failure(createHubClient({ baseUrl: hub.url }).enroll({ code: 'AB12CD', deviceName: 'pc' }));
    expect(error.reason).toBe('invalid_response');
  });

  it('connection refused → network, status 0', async () => {
    const closedPort = await freePort();
    const error = await failure(createHubClient({ baseUrl: `http://127.0.0.1:${closedPort}`, token: TOKEN }).pull(0));
    expect(error.reason).toBe('network');
    expect(error.status).toBe(0);
  });

  it('a hub that never answers → network after the timeout', async () => {
    hub.respond(() => 'hang');
    const started = Date.now();
    const error = await failure(createHubClient({ baseUrl: hub.url, token: TOKEN, timeoutMs: 300 }).pull(0));
    expect(error.reason).toBe('network');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('uses an injected fetch when given one', async () => {
    const seen: string[] = [];
    const fakeFetch: typeof fetch = (input) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return Promise.resolve(new Response(JSON.stringify(pullOk), { status: 200 }));
    };
    await expect(createHubClient({ baseUrl: 'http://hub.invalid', fetch: fakeFetch }).pull(7)).resolves.toEqual(pullOk);
    expect(seen).toEqual(['http://hub.invalid/v1/sync/pull?cursor=7']);
  });
});

describe('hub client: content (pack list, byte ranges) and refusals', () => {
  const sha = 'ab'.repeat(32);
  const read = async (stream: ReadableStream<Uint8Array>) => new Uint8Array(await new Response(stream).arrayBuffer());

  it('blobRange: asks for exactly the range, with the token and protocol header, and streams the 206 body', async () => {
    hub.respond(() => ({ status: 206, body: 'hello', contentType: 'application/octet-stream', headers: { 'content-range': 'bytes 10-14/100' } }));
    const body = await createHubClient({ baseUrl: hub.url, token: TOKEN }).blobRange(sha, { start: 10, end: 14 }, { signal: new AbortController().signal, pool: 1 });
    expect(new TextDecoder().decode(await read(body))).toBe('hello');
    const [request] = hub.requests;
    expect(request?.url).toBe(`/v1/content/blobs/${sha}`);
    expect(request?.headers.range).toBe('bytes=10-14');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers[PROTOCOL_HEADER]).toBe('1');
  });

  it.each([
    ['a 200 with the whole file', 200, 'bytes 10-14/100'],
    ['another range than asked', 206, 'bytes 0-4/100'],
    ['no Content-Range', 206, ''],
  ])('blobRange: %s → invalid_response (the bytes are not used)', async (_label, status, contentRange) => {
    const headers: Record<string, string> = contentRange ? { 'content-range': contentRange } : {};
    hub.respond(() => ({ status, body: 'hello', contentType: 'application/octet-stream', headers }));
    const error = await failure(createHubClient({ baseUrl: hub.url, token: TOKEN }).blobRange(sha, { start: 10, end: 14 }, { signal: new AbortController().signal }));
    expect(error.reason).toBe('invalid_response');
  });

  it('blobRange: the hub’s named error (not_found) in the one vocabulary', async () => {
    hub.respond(() => json(404, { error: { code: 'not_found', message: 'no such content for this classroom' } }));
    const error = await failure(createHubClient({ baseUrl: hub.url, token: TOKEN }).blobRange(sha, { start: 0, end: 1 }, { signal: new AbortController().signal }));
    expect(error.reason).toBe('not_found');
    expect(error.status).toBe(404);
  });

  it('packs: the list schema-checked; each pack is left to the gate, which refuses a bad one by name (hub-pack-gate.ts)', async () => {
    hub.respond(() => json(200, { protocol: 1, packs: [] }));
    await expect(createHubClient({ baseUrl: hub.url, token: TOKEN }).packs()).resolves.toEqual({ protocol: 1, packs: [] });
    hub.respond(() => json(200, { protocol: 1, packs: { manifest: {} } }));
    expect((await failure(createHubClient({ baseUrl: hub.url, token: TOKEN }).packs())).reason).toBe('invalid_response');
    const bad = { manifest: { id: '../x' }, lessonIds: [] };
    hub.respond(() => json(200, { protocol: 1, packs: [bad] }));
    await expect(createHubClient({ baseUrl: hub.url, token: TOKEN }).packs()).resolves.toEqual({ protocol: 1, packs: [bad] });
  });

  it.each(['device_revoked', 'unauthorized', 'client_too_old', 'hub_too_old'] as const)(
    'a refusal (%s) is reported once, and every later call fails with it without touching the network',
    async (code) => {
      hub.respond(() => json(code === 'unauthorized' ? 401 : 403, { error: { code, message: `hub says ${code}` } }));
      const refusals: HubRequestError[] = [];
      const client = createHubClient({ baseUrl: hub.url, token: TOKEN, onRefused: (e) => refusals.push(e) });
      expect((await failure(client.pull(0))).reason).toBe(code);
      hub.respond(() => json(200, pullOk));
      expect((await failure(client.blobRange(sha, { start: 0, end: 1 }, { signal: new AbortController().signal }))).reason).toBe(code);
      expect((await failure(client.packs())).reason).toBe(code);
      expect(refusals.map((e) => e.reason)).toEqual([code]);
      expect(hub.requests).toHaveLength(1);
    },
  );

  it('withContentFetch: content travels through the given fetch (the edge route), the refusal stays shared', async () => {
    const routed: string[] = [];
    hub.respond(() => json(403, { error: { code: 'device_revoked', message: 'revoked' } }));
    const refusals: HubRequestError[] = [];
    const client = createHubClient({ baseUrl: hub.url, token: TOKEN, onRefused: (e) => refusals.push(e) });
    const viaEdge = client.withContentFetch((input, init) => {
      routed.push(input instanceof Request ? input.url : input instanceof URL ? input.href : input);
      return fetch(input, init);
    });
    expect((await failure(viaEdge.packs())).reason).toBe('device_revoked');
    expect(routed).toEqual([`${hub.url}/v1/content/packs`]);
    expect((await failure(client.pull(0))).reason).toBe('device_revoked'); // seen by the content view, known to all
    expect(refusals).toHaveLength(1);
    expect(hub.requests).toHaveLength(1);
  });

  it('push: asks for compact acks, expands them to one ack per op, and learns how many ops the hub takes', async () => {
    const ops = [1, 2, 3].map((seq) => ({ id: `op-${seq}`, seq, hlc: 'h', type: 'attendance.set' as const, lessonId: 'l1', studentId: 's1', status: 'present' as const }));
    const client = createHubClient({ baseUrl: hub.url, token: TOKEN });
    expect(client.pushMaxOps()).toBe(2000); // what every hub takes, until this one says more
    hub.respond(() => json(200, { protocol: 1, acks: [{ id: 'op-2', status: 'rejected', reason: 'not on roster' }], acknowledged: [[1, 1], [3, 3]], maxOps: 5000 }));
    const acks = await client.push(ops);
    expect(acks.toSorted((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'op-1', status: 'applied' },
      { id: 'op-2', status: 'rejected', reason: 'not on roster' },
      { id: 'op-3', status: 'applied' },
    ]);
    expect(client.pushMaxOps()).toBe(5000);
    hub.respond(() => json(200, { protocol: 1, acks: [], acknowledged: [[1, 3]], maxOps: 1_000_000 }));
    await client.push(ops);
    expect(client.pushMaxOps()).toBe(5000); // never more than this app knows any hub to take
    hub.respond(() => json(200, { protocol: 1, acks: ops.map((o) => ({ id: o.id, status: 'duplicate' })) })); // an older hub
    expect((await client.push(ops)).map((a) => a.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(client.pushMaxOps()).toBe(2000);
  });

  it('learns the ops per push from the header of any answer, so the first drain after a restart sends full batches', async () => {
    const client = createHubClient({ baseUrl: hub.url, token: TOKEN });
    const pull = (maxOps: string) => () => ({ ...json(200, { protocol: 1, changes: [], cursor: 0, hasMore: false, serverTime: '2026-11-30T08:00:00.000Z' }), headers: { 'x-ykt-push-max-ops': maxOps } });
    hub.respond(pull('5000'));
    await client.pull(0);
    expect(client.pushMaxOps()).toBe(5000);
    for (const hostile of ['99999999999', 'lots', '-1', '1e6']) {
      hub.respond(pull(hostile));
      await client.pull(0);
      expect(client.pushMaxOps()).toBe(5000); // not a count, or too long to be one: nothing changes
    }
    hub.respond(pull('10'));
    await client.pull(0);
    expect(client.pushMaxOps()).toBe(2000); // never less than every hub takes
  });

  it('other failures are not refusals: the next call goes to the hub again', async () => {
    const refusals: HubRequestError[] = [];
    hub.respond(() => json(404, { error: { code: 'not_found', message: 'gone' } }));
    const client = createHubClient({ baseUrl: hub.url, token: TOKEN, onRefused: (e) => refusals.push(e) });
    await failure(client.pull(0));
    hub.respond(() => json(200, pullOk));
    await expect(client.pull(0)).resolves.toEqual(pullOk);
    expect(refusals).toEqual([]);
  });
});

describe('normaliseHubUrl', () => {
  it.each([
    ['192.168.1.10:8787', 'http://192.168.1.10:8787'],
    ['  192.168.1.10:8787  ', 'http://192.168.1.10:8787'],
    ['http://hub.local/', 'http://hub.local'],
    ['hub.local///', 'http://hub.local'],
    ['https://hub.example.cn', 'https://hub.example.cn'],
    ['HTTPS://Hub.Example.CN/', 'https://hub.example.cn'],
    ['HTTP://HUB.LOCAL:8787', 'http://hub.local:8787'],
    ['http://hub.local:80', 'http://hub.local'],
    ['https://hub.example.cn:443/', 'https://hub.example.cn'],
    ['http://hub.local:8787/v1/health?x=1#top', 'http://hub.local:8787'],
    ['http://[::1]:8787/', 'http://[::1]:8787'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseHubUrl(input)).toBe(expected);
  });

  it.each([[''], ['   '], ['http://exa mple.cn'], ['hub.local:99999'], ['javascript:alert(1)']])('throws on %j', (input) => {
    expect(() => normaliseHubUrl(input)).toThrow();
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['30', 30_000],
    [' 5 ', 5_000],
    ['0', 0],
    ['999999', 3_600_000],
    ['Wed, 21 Oct 2015 07:28:00 GMT', null],
    ['-1', null],
    ['1e9', null],
    [null, null],
  ])('%s → %s', (header, ms) => {
    expect(parseRetryAfter(header)).toBe(ms);
  });
});
