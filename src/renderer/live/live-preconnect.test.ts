// The socket opened before a lesson needs it, against a real WebSocket server (the `ws` package): one per hub, handed
// out once and ready (the join goes at once), never handed out after it closed, and openLiveSocket takes an open one
// as it is. It says hello with the device token first (the hub keeps it past its join deadline); refused, it is dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { LIVE_PROTOCOL_VERSION } from '../../shared/live-protocol.ts';
import { createLivePreconnect } from './live-preconnect.ts';
import { liveSocketUrl, openLiveSocket } from './live-socket.ts';

let server: WebSocketServer;
let hubUrl = '';
const connections: ServerSocket[] = [];
/** Every frame the server got, per connection, in order. */
const received = new Map<ServerSocket, { id: number; method: string; data: unknown }[]>();
const TOKEN = 'device-token-0123456789abcdef';
const BAD_TOKEN = 'unknown-token-0123456789abcdef';
/** An older hub's answer to a method it does not know. */
const OLD_HUB_TOKEN = 'old-hub-token-0123456789abcdef';

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  hubUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  server.on('connection', (ws) => {
    connections.push(ws);
    received.set(ws, []);
    ws.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString()) as { id: number; method: string; data: { token?: string } };
      received.get(ws)?.push(frame);
      const refuse = (code: string, message: string) => ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, kind: 'response', id: frame.id, ok: false, error: { code, message } }));
      // As the hub: a refused hello is answered by name and the socket closed.
      if (frame.method === 'hello' && frame.data.token === BAD_TOKEN) {
        refuse('unauthorized', 'unknown device token');
        ws.close(1008, 'unauthorized');
      } else if (frame.method === 'hello' && frame.data.token === OLD_HUB_TOKEN) refuse('malformed', 'bad envelope: method Invalid option');
      else ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, kind: 'response', id: frame.id, ok: true, data: frame.method === 'hello' ? {} : { questionId: 'q-1' } }));
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
    pre.prepare(hubUrl, TOKEN);
    pre.prepare(hubUrl, TOKEN); // the lesson page asks again: still the one
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
    // The hello went first, with the token and an id the controller's requests never use.
    expect(received.get(connections.at(-1) as ServerSocket)?.map((f) => [f.id, f.method, f.data])).toEqual([
      [0, 'hello', { token: TOKEN }],
      [1, 'question', { text: '为什么？' }],
    ]);
  });

  it('drops a socket whose hello was refused (never handed out), says why, and opens a new one when asked', async () => {
    const { pre, made } = preconnect();
    const refusals: string[] = [];
    pre.prepare(hubUrl, BAD_TOKEN, (code, message) => refusals.push(`${code}: ${message}`));
    await expect.poll(() => refusals).toEqual(['unauthorized: unknown device token']);
    expect(pre.take(liveSocketUrl(hubUrl))).toBeNull();
    await expect.poll(() => made[0]?.readyState).toBe(NodeWebSocket.CLOSED);
    pre.prepare(hubUrl, TOKEN);
    expect(made).toHaveLength(2);
    await opened(made[1] as NodeWebSocket);
    expect(pre.take(liveSocketUrl(hubUrl))).toBe(made[1]);
    made[1]?.close();
  });

  it('keeps its socket when an older hub does not know hello (malformed), and reopens for another token', async () => {
    const { pre, made } = preconnect();
    const refusals: string[] = [];
    pre.prepare(hubUrl, OLD_HUB_TOKEN, (code) => refusals.push(code));
    const first = made[0] as NodeWebSocket;
    const replies: string[] = [];
    first.on('message', (raw: Buffer) => replies.push(raw.toString()));
    await opened(first);
    await expect.poll(() => replies.length).toBe(1); // the old hub's `malformed` arrived
    expect(replies[0]).toContain('malformed');
    pre.prepare(hubUrl, OLD_HUB_TOKEN);
    expect(made).toHaveLength(1);
    expect(first.readyState).toBe(first.OPEN);
    pre.prepare(hubUrl, TOKEN); // re-enrolled: the old device's socket goes
    expect(made).toHaveLength(2);
    await expect.poll(() => first.readyState).toBe(first.CLOSED);
    expect(refusals).toEqual([]);
    pre.close();
  });

  it('drops a socket the hub closed instead of handing it out, and opens a new one when asked', async () => {
    const { pre, made } = preconnect();
    pre.prepare(hubUrl, TOKEN);
    const first = made[0] as NodeWebSocket;
    await opened(first);
    connections.at(-1)?.close(1001, 'hub stopping');
    await expect.poll(() => first.readyState).toBe(first.CLOSED);
    expect(pre.take(liveSocketUrl(hubUrl))).toBeNull();
    pre.prepare(hubUrl, TOKEN);
    expect(made).toHaveLength(2);
    expect(pre.take(liveSocketUrl(hubUrl))).toBe(made[1]);
    made[1]?.close();
  });

  it('keeps only the socket of the hub asked last, and closes it on close()', async () => {
    const { pre, made } = preconnect();
    pre.prepare(hubUrl, TOKEN);
    pre.prepare(hubUrl.replace('127.0.0.1', 'localhost'), TOKEN);
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
