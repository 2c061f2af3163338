// Property: the one request loop (ws-request-server.ts) under hostile frames — binary, not JSON, any JSON, wrong
// versions, ids of the wrong type or past a safe integer, unknown methods, wrong data, handlers that refuse or throw —
// mixed with good requests and interleaved with a well-behaved socket. Every frame gets exactly one answer, in order,
// each a response of the protocol's envelope with a named code (or the right data, echoed under its id); the 20th
// malformed frame closes the socket 1008 and nothing after it is answered; the other socket is served throughout, and
// so is a fresh one afterwards (the process keeps serving). Real `ws` server and clients over loopback HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { requestEnvelope, RequestId } from '../../../src/shared/ws-request.ts';
import { MAX_BAD_FRAMES } from './socket-keepalive.ts';
import { attachRequestServer } from './ws-request-server.ts';

const Code = z.enum(['malformed', 'bad_request', 'not_found']);
type Code = z.infer<typeof Code>;
const methods = {
  echo: { request: z.object({ text: z.string().max(100) }), response: z.object({ text: z.string() }) },
  refuse: { request: z.object({}), response: z.object({}) },
  crash: { request: z.object({}), response: z.object({}) },
  /** Answers with data its own response schema refuses: a handler's bug is a refusal too. */
  wrongAnswer: { request: z.object({}), response: z.object({ n: z.number() }) },
};
const toy = requestEnvelope({ methods, version: 1, protocol: 1, notification: z.object({ type: z.literal('tick') }), errorCode: Code, malformed: 'malformed' });
class Refusal extends Error {
  constructor(readonly code: Code) {
    super(`refused: ${code}`);
  }
}

let server: Server;
let url = '';
let closeLoop: () => Promise<void>;

beforeAll(async () => {
  server = createServer();
  const loop = attachRequestServer(server, {
    path: '/rpc',
    codec: toy.codec,
    maxPayload: 16 * 1024,
    ping: false,
    otherPaths: 'destroy',
    pauseAt: 2,
    deadline: { helloMs: 120_000, closeFor: () => [1008, 'no hello'] },
    stop: { code: 1001, reason: 'stopping', waitMs: 100 },
    session: () => ({
      handlers: {
        // A turn of the event loop: frames pile up behind it, so the queue and its backpressure are exercised.
        echo: async ({ text }) => {
          await new Promise((r) => setImmediate(r));
          return { text };
        },
        refuse: () => Promise.reject(new Refusal('not_found')),
        crash: () => Promise.reject(new TypeError('boom')),
        wrongAnswer: async () => ({ n: 'not a number' }) as unknown as { n: number },
      },
      refusal: (error) => (error instanceof Refusal ? { code: error.code, message: error.message } : { code: 'bad_request', message: String(error) }),
      gone: () => undefined,
    }),
  });
  closeLoop = () => loop.close();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/rpc`;
});
afterAll(async () => {
  await closeLoop();
  await new Promise((r) => server.close(r));
});

type Expected = { ok: true; id: number; text: string } | { ok: false; id: number | null; code: Code };
type Case = { send: string | Uint8Array; expect: Expected };

/** The id the loop may echo for a frame it cannot take: the client's, if it could be one. */
function echoedId(text: string): number | null {
  try {
    const id = RequestId.safeParse((JSON.parse(text) as { id?: unknown } | null)?.id);
    return id.success ? id.data : null;
  } catch {
    return null;
  }
}
const malformed = (text: string): Case => ({ send: text, expect: { ok: false, id: echoedId(text), code: 'malformed' } });
const call = (id: number, method: string, data: unknown, v: unknown = 1) => JSON.stringify({ v, id, method, data });

const good = fc.record({ id: fc.nat(), text: fc.string({ maxLength: 40 }) }).map(({ id, text }): Case => ({ send: call(id, 'echo', { text }), expect: { ok: true, id, text } }));
const hostile: fc.Arbitrary<Case> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((bytes): Case => ({ send: bytes, expect: { ok: false, id: null, code: 'malformed' } })),
  fc.string({ maxLength: 200 }).map(malformed),
  fc.jsonValue({ maxDepth: 3 }).map((json) => malformed(JSON.stringify(json) ?? 'null')),
  fc.record({ id: fc.oneof(fc.constant(-1), fc.constant(1.5), fc.constant(1e300), fc.constant(2 ** 53), fc.string(), fc.constant(null)) }).map(({ id }) => malformed(JSON.stringify({ v: 1, id, method: 'echo', data: { text: 'x' } }))),
  fc.record({ id: fc.nat(), v: fc.oneof(fc.constant(2), fc.constant('1'), fc.constant(null)) }).map(({ id, v }) => malformed(call(id, 'echo', { text: 'x' }, v))),
  fc.record({ id: fc.nat(), method: fc.string({ maxLength: 30 }).filter((m) => !(m in methods)) }).map(({ id, method }) => malformed(call(id, method, {}))),
  fc.record({ id: fc.nat(), data: fc.oneof(fc.constant(null), fc.integer(), fc.record({ text: fc.integer() }), fc.record({ text: fc.string({ minLength: 101, maxLength: 120 }) })) }).map(
    ({ id, data }): Case => ({ send: call(id, 'echo', data), expect: { ok: false, id, code: 'malformed' } }),
  ),
  fc.nat().map((id): Case => ({ send: call(id, 'refuse', {}), expect: { ok: false, id, code: 'not_found' } })),
  fc.nat().map((id): Case => ({ send: call(id, 'crash', {}), expect: { ok: false, id, code: 'bad_request' } })),
  fc.nat().map((id): Case => ({ send: call(id, 'wrongAnswer', {}), expect: { ok: false, id, code: 'bad_request' } })),
);

/** A client socket that records every answer (parsed by the envelope's own schema) and how it closed. */
async function connect() {
  const ws = new WebSocket(url);
  const answers: Expected[] = [];
  let closed: { code: number; reason: string } | null = null;
  const changed: (() => void)[] = [];
  const wake = () => changed.splice(0).forEach((w) => w());
  ws.on('message', (raw: Buffer) => {
    const m = toy.ServerMessage.parse(JSON.parse(raw.toString()));
    if (m.kind !== 'response') throw new Error('no notifications here');
    answers.push(m.ok ? { ok: true, id: m.id ?? -1, text: (m.data as { text: string }).text } : { ok: false, id: m.id, code: m.error.code });
    wake();
  });
  ws.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
    wake();
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((r) => changed.push(r));
  };
  return { ws, answers, closed: () => closed, until };
}

/** What the loop must answer to `cases`: everything up to and including the last bad frame it tolerates. */
function expectedAnswers(cases: Case[]): { answers: Expected[]; closes: boolean } {
  const answers: Expected[] = [];
  let bad = 0;
  for (const c of cases) {
    answers.push(c.expect);
    if (!c.expect.ok && c.expect.code === 'malformed' && ++bad >= MAX_BAD_FRAMES) return { answers, closes: true };
  }
  return { answers, closes: false };
}

describe('the one request loop under hostile frames', () => {
  it('answers every frame once, in order, by name; closes at the bad-frame budget; keeps serving the others', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ arbitrary: hostile, weight: 3 }, { arbitrary: good, weight: 1 }), { minLength: 1, maxLength: 45 }), fc.array(good, { minLength: 1, maxLength: 10 }), async (cases, polite) => {
        const [rude, calm] = await Promise.all([connect(), connect()]);
        // Interleaved: the well-behaved socket's requests go out between the hostile ones.
        cases.forEach((c, i) => {
          rude.ws.send(c.send, { binary: typeof c.send !== 'string' });
          const p = polite[i];
          if (p) calm.ws.send(p.send);
        });
        for (const p of polite.slice(cases.length)) calm.ws.send(p.send);
        const want = expectedAnswers(cases);
        await rude.until(() => rude.answers.length >= want.answers.length && (!want.closes || rude.closed() !== null));
        expect(rude.answers).toEqual(want.answers);
        if (want.closes) expect(rude.closed()).toEqual({ code: 1008, reason: 'too many malformed messages' });
        else {
          // Still open and still served after all that.
          rude.ws.send(call(7, 'echo', { text: 'still here' }));
          await rude.until(() => rude.answers.length > want.answers.length);
          expect(rude.answers.at(-1)).toEqual({ ok: true, id: 7, text: 'still here' });
        }
        await calm.until(() => calm.answers.length >= polite.length);
        expect(calm.answers).toEqual(polite.map((p) => p.expect));
        expect(calm.closed()).toBeNull();
        rude.ws.close();
        calm.ws.close();
      }),
      { numRuns: 40 },
    );
    const fresh = await connect();
    fresh.ws.send(call(1, 'echo', { text: '你好' }));
    await fresh.until(() => fresh.answers.length === 1);
    expect(fresh.answers).toEqual([{ ok: true, id: 1, text: '你好' }]);
    fresh.ws.close();
  });

  it('closes a frame past maxPayload 1009 on that socket only', async () => {
    const [big, other] = await Promise.all([connect(), connect()]);
    big.ws.send(call(1, 'echo', { text: 'x'.repeat(20 * 1024) }));
    await big.until(() => big.closed() !== null);
    expect(big.closed()?.code).toBe(1009);
    other.ws.send(call(2, 'echo', { text: 'ok' }));
    await other.until(() => other.answers.length === 1);
    expect(other.answers).toEqual([{ ok: true, id: 2, text: 'ok' }]);
    other.ws.close();
  });
});
