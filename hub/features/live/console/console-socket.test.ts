// The lead console page's socket (on the one request client) against a real WebSocket server, with Node's own
// WebSocket standing in for the browser's: a frame that is not JSON is dropped (it used to throw inside the page's
// message listener), notifications pass, refusals come back as ConsoleError with the hub's code and a Chinese
// sentence, a dropped socket fails what is pending as `closed` once, and a hub that cannot be reached is `network`.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { LIVE_PROTOCOL_VERSION, LIVE_WS_PATH, type LiveNotification } from '../../../../src/shared/live-protocol.ts';
import { ConsoleError } from './console-errors.ts';
import { connectConsoleSocket } from './console-socket.ts';

type Behaviour = (request: { id: number; method: string }, ws: ServerSocket) => void;
let server: WebSocketServer;
let behaviour: Behaviour = () => undefined;
const reply = (ws: ServerSocket, message: object) => ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, ...message }));

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: LIVE_WS_PATH });
  await new Promise((r) => server.once('listening', r));
  vi.stubGlobal('location', new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/live/console`));
  server.on('connection', (ws) => ws.on('message', (raw: Buffer) => behaviour(JSON.parse(raw.toString()) as { id: number; method: string }, ws)));
});
afterAll(async () => {
  vi.unstubAllGlobals();
  for (const ws of server.clients) ws.terminate();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('console socket', () => {
  it('drops a frame that is not JSON, passes notifications, and answers by id', async () => {
    behaviour = ({ id, method }, ws) => {
      ws.send('not json {');
      reply(ws, { kind: 'notification', notification: { type: 'onAir', onAir: true } });
      if (method === 'endLesson') reply(ws, { kind: 'response', id, ok: false, error: { code: 'forbidden', message: 'not yours' } });
      else reply(ws, { kind: 'response', id, ok: true, data: { questionId: 'q-1' } });
    };
    const notes: LiveNotification[] = [];
    let closed = 0;
    const { request } = await connectConsoleSocket((n) => notes.push(n), () => closed++);
    await expect(request('question', { text: '为什么？' })).resolves.toEqual({ questionId: 'q-1' });
    const refused = await request('endLesson', {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConsoleError);
    expect(refused).toMatchObject({ code: 'forbidden', message: '无权主持这节直播。' });
    expect(notes).toEqual([{ type: 'onAir', onAir: true }, { type: 'onAir', onAir: true }]);
    expect(closed).toBe(0);
  });

  it('fails a pending request as closed when the hub drops the socket, and reports the close once', async () => {
    behaviour = (_request, ws) => ws.terminate();
    let closed = 0;
    const { request } = await connectConsoleSocket(() => undefined, () => closed++);
    await expect(request('raiseHand', { raised: true })).rejects.toMatchObject({ code: 'closed' });
    await expect.poll(() => closed).toBe(1);
    await expect(request('raiseHand', { raised: false })).rejects.toMatchObject({ code: 'closed' });
    expect(closed).toBe(1);
  });

  it('passes the close code on (1012: the origin moved), which the console reconnects from', async () => {
    behaviour = (_request, ws) => ws.close(1012, 'moved');
    const codes: number[] = [];
    const { request } = await connectConsoleSocket(() => undefined, (code) => codes.push(code));
    await expect(request('raiseHand', { raised: true })).rejects.toMatchObject({ code: 'closed' });
    await expect.poll(() => codes).toEqual([1012]);
  });

  it('says network when the hub cannot be reached', async () => {
    const unreachable = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => unreachable.once('listening', r));
    const { port } = unreachable.address() as AddressInfo;
    await new Promise<void>((r) => unreachable.close(() => r()));
    vi.stubGlobal('location', new URL(`http://127.0.0.1:${port}/v1/live/console`));
    await expect(connectConsoleSocket(() => undefined, () => undefined)).rejects.toMatchObject({ code: 'network' });
    vi.stubGlobal('location', new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/live/console`));
  });
});
