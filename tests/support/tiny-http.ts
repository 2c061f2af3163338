// A tiny real HTTP server on 127.0.0.1 for unit tests of HTTP clients (the renderer may not import node:* itself).
// Each test sets how it answers; every request it saw is recorded.
import { createServer, type IncomingHttpHeaders } from 'node:http';

export type TinyRequest = { method: string; url: string; headers: IncomingHttpHeaders; body: string };
/** `hang` never answers (for timeouts); otherwise status + raw body text. */
export type TinyReply = { status: number; body: string; contentType?: string; headers?: Record<string, string> } | 'hang';
export type TinyResponder = (request: TinyRequest) => TinyReply;

export type TinyHttp = {
  url: string;
  requests: TinyRequest[];
  respond(responder: TinyResponder): void;
  close(): Promise<void>;
};

export async function startTinyHttp(): Promise<TinyHttp> {
  const requests: TinyRequest[] = [];
  let responder: TinyResponder = () => ({ status: 404, body: '{"error":{"code":"not_found","message":"no responder"}}' });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: TinyRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const reply = responder(request);
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json', ...reply.headers });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('tiny-http: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    respond(next) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
