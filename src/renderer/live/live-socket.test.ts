// The client's signalling socket against a real WebSocket server (the `ws` package): typed answers, the hub's named
// errors, unreadable frames ignored, timeouts, and a closed socket failing its pending requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { LIVE_PROTOCOL_VERSION, type LiveNotification } from '../../shared/live-protocol.ts';
import { openLiveSocket, type LiveSocket } from './live-socket.ts';

type Behaviour = (request: { id: number; method: string; data: unknown }, ws: ServerSocket) => void;
let server: WebSocketServer;
let port = 0;
let behaviour: Behaviour = () => undefined;

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as { port: number }).port;
  server.on('connection', (ws) => ws.on('message', (raw: Buffer) => behaviour(JSON.parse(raw.toString()) as { id: number; method: string; data: unknown }, ws)));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function open(timeoutMs = 2000) {
  const notifications: LiveNotification[] = [];
  let closed = 0;
  const socket: LiveSocket = await openLiveSocket({
    hubUrl: `http://127.0.0.1:${port}`,
    createWebSocket: (url) => new NodeWebSocket(url) as unknown as WebSocket,
    onNotification: (n) => notifications.push(n),
    onClosed: () => closed++,
    timeoutMs,
  });
  return { socket, notifications, closed: () => closed };
}

const reply = (ws: ServerSocket, message: unknown) => ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, ...(message as object) }));

describe('live signalling socket', () => {
  it('returns parsed answers and passes notifications on, ignoring unreadable frames', async () => {
    behaviour = ({ id }, ws) => {
      ws.send('not json');
      reply(ws, { kind: 'notification', notification: { type: 'onAir', onAir: true } });
      reply(ws, { kind: 'response', id, ok: true, data: { questionId: 'q-1' } });
    };
    const { socket, notifications } = await open();
    await expect(socket.request('question', { text: '为什么？' })).resolves.toEqual({ questionId: 'q-1' });
    expect(notifications).toEqual([{ type: 'onAir', onAir: true }]);
    socket.close();
  });

  it('turns the hub’s error into a LiveRequestError with its code', async () => {
    behaviour = ({ id }, ws) => reply(ws, { kind: 'response', id, ok: false, error: { code: 'forbidden', message: 'not your lesson' } });
    const { socket } = await open();
    await expect(socket.request('join', { lessonId: 'les-1', token: 'x'.repeat(20), role: 'viewer' })).rejects.toMatchObject({ code: 'forbidden' });
    socket.close();
  });

  it('rejects an answer of the wrong shape, and times out when there is none', async () => {
    behaviour = ({ id, method }, ws) => {
      if (method === 'question') reply(ws, { kind: 'response', id, ok: true, data: { questionId: 42 } });
    };
    const { socket } = await open(300);
    await expect(socket.request('question', { text: 'a' })).rejects.toMatchObject({ code: 'malformed' });
    await expect(socket.request('raiseHand', { raised: true })).rejects.toMatchObject({ code: 'timeout' });
    socket.close();
  });

  it('fails pending requests and reports once when the hub closes the socket', async () => {
    behaviour = (_request, ws) => ws.close();
    const { socket, closed } = await open();
    await expect(socket.request('raiseHand', { raised: true })).rejects.toMatchObject({ code: 'closed' });
    await expect.poll(closed).toBe(1);
    await expect(socket.request('raiseHand', { raised: false })).rejects.toMatchObject({ code: 'closed' });
    expect(closed()).toBe(1);
  });
});
