// An HTTP proxy in front of the hub whose behaviour a test can switch: pass through, answer with malformed data
// (a hub that breaks its protocol), or refuse (hub unreachable). It lets an e2e test provoke bad input for real.
import { createServer, request, type Server } from 'node:http';

export type ProxyMode = 'pass' | 'malformed' | 'down';

export async function startSwitchableProxy(target: string): Promise<{ url: string; setMode(m: ProxyMode): void; close(): Promise<void> }> {
  let mode: ProxyMode = 'pass';
  const targetUrl = new URL(target);
  const server: Server = createServer((req, res) => {
    if (mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (mode === 'malformed' && req.method !== 'OPTIONS') {
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end(JSON.stringify({ protocol: 1, cursor: 'not-a-number', changes: [{ type: 'lesson.put', lesson: { id: '../x' } }] }));
      return;
    }
    const upstream = request(
      { host: targetUrl.hostname, port: targetUrl.port, path: req.url, method: req.method, headers: { ...req.headers, host: targetUrl.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: (m) => (mode = m),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
