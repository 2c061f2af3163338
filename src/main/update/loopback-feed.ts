// Serves a verified release to electron-updater (generic provider) from 127.0.0.1 on a random port: the manifest and
// its signature are answered from memory with exactly the bytes main verified, so electron-updater parses nothing
// nobody verified. The files the manifest lists come either from a verified folder's staging copy (each no further than
// its verified size) or, for the hub feed, from the hub through main's own pinned fetch (Range passed through for
// electron-updater's differential download; it checks every byte against the verified sha512 itself). Everything else
// is 404 without asking anyone, and only loopback clients are answered.
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { signatureFileName } from '../../shared/release-signature.ts';
import type { ReleaseManifest } from '../../shared/update-protocol.ts';
import type { VerifiedRelease } from './usb-release.ts';

/** Where the listed files come from: a verified folder's staging copy, or the hub feed the manifest was read from. */
export type FeedFiles = { from: 'folder'; dir: string } | { from: 'upstream'; base: string; fetch: typeof fetch; currentVersion: string };

export type FeedContent = {
  manifestName: string;
  manifest: ReleaseManifest;
  /** Exactly the bytes whose signature was verified. */
  manifestBytes: Buffer;
  signatureBytes: Buffer;
  files: FeedFiles;
};

export type LoopbackFeed = {
  url: string;
  /** Serves another verified release from now on (the hub published a new one); the URL stays. */
  serve(next: FeedContent): void;
  close(): Promise<void>;
};

// Only these of the hub's answer headers reach electron-updater (a multipart answer's boundary is in content-type).
const PASSED_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'etag', 'last-modified'];

function contentType(name: string): string {
  if (name.endsWith('.yml')) return 'text/yaml; charset=utf-8';
  return 'application/octet-stream';
}

/**
 * The hub files electron-updater may ask for: each listed file, its blockmap, and the running version's blockmap
 * (electron-updater names it by putting the running version into the new file's name) for a differential download.
 */
function upstreamNames(manifest: ReleaseManifest, currentVersion: string): Set<string> {
  const names = new Set<string>();
  for (const { url } of manifest.files) {
    names.add(url);
    names.add(`${url}.blockmap`);
    names.add(`${url.split(manifest.version).join(currentVersion)}.blockmap`);
  }
  return names;
}

function serveFromFolder(content: FeedContent, dir: string, name: string, request: IncomingMessage, response: ServerResponse) {
  const size = content.manifest.files.find((f) => f.url === name)?.size;
  if (size === undefined) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': contentType(name), 'content-length': size });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(join(dir, name), { start: 0, end: size - 1 })
    .on('error', () => response.destroy())
    .pipe(response);
}

async function proxyFromUpstream(files: Extract<FeedFiles, { from: 'upstream' }>, name: string, request: IncomingMessage, response: ServerResponse) {
  const abort = new AbortController();
  response.on('close', () => abort.abort());
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (typeof request.headers.range === 'string') headers.range = request.headers.range;
  if (typeof request.headers['if-range'] === 'string') headers['if-range'] = request.headers['if-range'];
  let upstream: Response;
  try {
    upstream = await files.fetch(new URL(name, files.base).href, { method: request.method, headers, signal: abort.signal, redirect: 'error' });
  } catch {
    // The hub is unreachable, refused its certificate or redirected elsewhere: electron-updater sees a failed download.
    if (!response.headersSent) response.writeHead(502).end();
    return;
  }
  const out: Record<string, string> = {};
  for (const header of PASSED_HEADERS) {
    const value = upstream.headers.get(header);
    if (value !== null) out[header] = value;
  }
  response.writeHead(upstream.status, out);
  if (!upstream.body || request.method === 'HEAD') {
    await upstream.body?.cancel().catch(() => undefined);
    response.end();
    return;
  }
  Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>)
    .on('error', () => response.destroy())
    .pipe(response);
}

function isLoopback(remote: string): boolean {
  return remote === '127.0.0.1' || remote === '::ffff:127.0.0.1';
}

export async function startLoopbackFeed(first: FeedContent): Promise<LoopbackFeed> {
  let content = first;
  let allowed = content.files.from === 'upstream' ? upstreamNames(content.manifest, content.files.currentVersion) : null;

  function handle(request: IncomingMessage, response: ServerResponse) {
    if (!isLoopback(request.socket.remoteAddress ?? '')) {
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
    const served = content;
    const inMemory = name === served.manifestName ? served.manifestBytes : name === signatureFileName(served.manifestName) ? served.signatureBytes : null;
    if (inMemory) {
      response.writeHead(200, { 'content-type': contentType(name), 'content-length': inMemory.length, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : inMemory);
      return;
    }
    if (served.files.from === 'folder') {
      serveFromFolder(served, served.files.dir, name, request, response);
      return;
    }
    if (!allowed?.has(name)) {
      response.writeHead(404).end();
      return;
    }
    void proxyFromUpstream(served.files, name, request, response);
  }

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    serve(next) {
      content = next;
      allowed = next.files.from === 'upstream' ? upstreamNames(next.manifest, next.files.currentVersion) : null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A verified folder release, served from its staging folder. */
export const startFolderFeed = (release: VerifiedRelease): Promise<LoopbackFeed> =>
  startLoopbackFeed({ ...release, files: { from: 'folder', dir: release.dir } });
