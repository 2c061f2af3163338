// The sync socket's client on real sockets (Node's WebSocket): where it connects, and the upgrade that never comes.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openPushSocket, socketUrl } from '../../src/renderer/sync/push-socket.ts';

const servers: { server: Server; sockets: Socket[] }[] = [];
afterEach(async () => {
  for (const { server, sockets } of servers.splice(0)) {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
});

/** A TCP server that accepts and never answers: a proxy that swallows the upgrade. */
async function silentServer() {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  servers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, sockets };
}

describe('push socket', () => {
  it.each([
    ['http://hub.example:8787', 'ws://hub.example:8787/v1/sync/socket'],
    ['https://10.1.2.3', 'wss://10.1.2.3/v1/sync/socket'],
  ])('%s → %s', (base, url) => expect(socketUrl(base)).toBe(url));

  it('an upgrade that never comes: the batch fails as network (not opened) after the open timeout, the socket is closed', async () => {
    const silent = await silentServer();
    const socket = openPushSocket({ baseUrl: silent.url, token: 't'.repeat(32), openTimeoutMs: 200 });
    const op = { id: 'op-1', seq: 1, hlc: 'x', type: 'attendance.set', lessonId: 'l', studentId: 's', status: 'present' } as const;
    await expect(socket.push([op])).rejects.toMatchObject({ reason: 'network', message: 'sync socket did not open in 0.2 s' });
    expect(socket.opened).toBe(false);
    await expect(socket.push([op])).rejects.toMatchObject({ reason: 'network' }); // and every push after it
    expect(silent.sockets.length).toBe(1);
  });
});
