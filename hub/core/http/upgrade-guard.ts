// HTTP upgrades (WebSocket) are taken on the paths that have a socket (live signalling, sync). Any other upgrade request is
// answered 404 in the error shape and its socket closed, so nobody can park sockets on the hub by asking to upgrade
// a path no one listens on (Node hands such sockets to 'upgrade' listeners and never answers them itself). CONNECT
// (a proxy tunnel; the hub is none) is answered 405 the same way instead of being dropped without a word.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorResponse } from '../../../src/shared/protocol.ts';

/** The path of a request target in origin or absolute form; null when it is not a URL at all. Never throws. */
export function upgradePath(request: IncomingMessage): string | null {
  try {
    return new URL(request.url ?? '/', 'http://hub').pathname;
  } catch {
    return null;
  }
}

export function refuseOtherUpgrades(server: Server, acceptedPaths: readonly string[]) {
  server.on('upgrade', (request: IncomingMessage, socket: Duplex) => {
    const path = upgradePath(request);
    if (path !== null && acceptedPaths.includes(path)) return;
    refuse(socket, '404 Not Found', { error: { code: 'not_found', message: 'no WebSocket on this path' } });
  });
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    refuse(socket, '405 Method Not Allowed', { error: { code: 'bad_request', message: 'CONNECT is not served here' } });
  });
}

function refuse(socket: Duplex, status: string, body: ErrorResponse) {
  // Node removed its own error listener when it handed the socket over: without one, a reset would crash the hub.
  socket.on('error', () => socket.destroy());
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
  }
  setTimeout(() => socket.destroy(), 1000).unref(); // a peer that never reads must not keep it half-open
}
