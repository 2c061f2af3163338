// The socket opened before a lesson needs it, against a real WebSocket server (the `ws` package): one per hub, handed
// out once and ready (the join goes at once), never handed out after it closed, and openLiveSocket takes an open one
// as it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { LIVE_PROTOCOL_VERSION } from '../../shared/live-protocol.ts';
import { createLivePreconnect } from './live-preconnect.ts';
import { liveSocketUrl, openLiveSocket } from './live-socket.ts';

let server: WebSocketServer;
let hubUrl = '';
const connections: ServerSocket[] = [];

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  hubUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  server.on('connection', (ws) => {
    connections.push(ws);
    ws.on('message', (raw: Buffer) => {
      const { id } = JSON.parse(raw.toString()) as { id: number };
      ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, kind: 'response', id, ok: true, data: { questionId: 'q-1' } }));
    });
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function preconnect() {
  const made: NodeWebSocket[] = [];
  const pre = createLivePreconnect((url) => {
    const ws = new NodeWebSocket(url);
    ws.on('error', () => undefined); // as a browser's: a refused connection is an event, never a throw
    made.push(ws);
    return ws as unknown as WebSocket;
  });
  return { pre, made };
}

const opened = (ws: NodeWebSocket) => expect.poll(() => ws.readyState).toBe(ws.OPEN);

describe('live socket opened beforehand', () => {
  it('opens one socket per hub, hands it out once, and the signalling uses it open as it is', async () => {
    const { pre, made } = preconnect();
    const before = connections.length;
    pre.prepare(hubUrl);
    pre.prepare(hubUrl); // the lesson page asks again: still the one
    expect(made).toHaveLength(1);
    await opened(made[0] as NodeWebSocket);
    expect(connections.length).toBe(before + 1);
    const url = liveSocketUrl(hubUrl);
    const ws = pre.take(url);
    expect(ws).toBe(made[0]);
    expect(pre.take(url)).toBeNull(); // a second controller opens its own
    const socket = await openLiveSocket({ hubUrl, createWebSocket: () => ws as WebSocket, onNotification: () => undefined, onClosed: () => undefined, timeoutMs: 500 });
    await expect(socket.request('question', { text: '为什么？' })).resolves.toEqual({ questionId: 'q-1' });
    socket.close();
  });

  it('drops a socket the hub closed instead of handing it out, and opens a new one when asked', async () => {
    const { pre, made } = preconnect();
    pre.prepare(hubUrl);
    const first = made[0] as NodeWebSocket;
    await opened(first);
    connections.at(-1)?.close(1001, 'hub stopping');
    await expect.poll(() => first.readyState).toBe(first.CLOSED);
    expect(pre.take(liveSocketUrl(hubUrl))).toBeNull();
    pre.prepare(hubUrl);
    expect(made).toHaveLength(2);
    expect(pre.take(liveSocketUrl(hubUrl))).toBe(made[1]);
    made[1]?.close();
  });

  it('keeps only the socket of the hub asked last, and closes it on close()', async () => {
    const { pre, made } = preconnect();
    pre.prepare(hubUrl);
    pre.prepare(hubUrl.replace('127.0.0.1', 'localhost'));
    expect(made).toHaveLength(2);
    await expect.poll(() => made[0]?.readyState).toBe(NodeWebSocket.CLOSED);
    expect(pre.take(liveSocketUrl(hubUrl))).toBeNull();
    pre.close();
    await expect.poll(() => made[1]?.readyState).toBe(NodeWebSocket.CLOSED);
  });

  it('a socket that closed before the controller took it fails the open at once (the controller opens another)', async () => {
    const ws = new NodeWebSocket(liveSocketUrl(hubUrl));
    await opened(ws);
    ws.close();
    await expect.poll(() => ws.readyState).toBe(ws.CLOSED);
    let closed = 0;
    await expect(
      openLiveSocket({ hubUrl, createWebSocket: () => ws as unknown as WebSocket, onNotification: () => undefined, onClosed: () => closed++, timeoutMs: 5_000 }),
    ).rejects.toMatchObject({ code: 'closed' });
    expect(closed).toBe(1);
  });
});
