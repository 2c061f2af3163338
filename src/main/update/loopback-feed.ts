// Serves a verified folder release to electron-updater (generic provider) from 127.0.0.1 on a random port. Only the
// manifest, its signature and the files it lists are reachable (each file no further than its verified size);
// everything else is 404, and only loopback clients are answered.
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { signatureFileName } from '../../shared/release-signature.ts';
import type { VerifiedRelease } from './usb-release.ts';

export type LoopbackFeed = { url: string; close(): Promise<void> };

function contentType(name: string): string {
  if (name.endsWith('.yml')) return 'text/yaml; charset=utf-8';
  return 'application/octet-stream';
}

export async function startLoopbackFeed(release: VerifiedRelease): Promise<LoopbackFeed> {
  const sizes = new Map(release.manifest.files.map((f) => [f.url, f.size]));
  const signatureName = signatureFileName(release.manifestName);

  function handle(request: IncomingMessage, response: ServerResponse) {
    const remote = request.socket.remoteAddress ?? '';
    if (remote !== '127.0.0.1' && remote !== '::ffff:127.0.0.1') {
      response.writeHead(403).end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    // electron-updater appends ?noCache=… to the manifest URL.
    let name: string;
    try {
      name = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname.slice(1));
    } catch {
      response.writeHead(400).end();
      return;
    }
    const inMemory = name === release.manifestName ? release.manifestBytes : name === signatureName ? release.signatureBytes : null;
    if (inMemory) {
      response.writeHead(200, { 'content-type': contentType(name), 'content-length': inMemory.length, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : inMemory);
      return;
    }
    const size = sizes.get(name);
    if (size === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': contentType(name), 'content-length': size });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(join(release.dir, name), { start: 0, end: size - 1 })
      .on('error', () => response.destroy())
      .pipe(response);
  }

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
