// Request decompression, only on the routes that put this hook in their options (the push: devices gzip their ops,
// about 10× smaller on a village link). Every other route ignores Content-Encoding, so a header alone can do nothing.
// Bounded and never throwing past here: the inflated stream stops with `payload_too_large` at the route's body limit,
// and a corrupt or truncated gzip ends the body with `bad_request` — both as errors Fastify turns into the error shape.
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { HubError } from './hub-error.ts';

export async function inflateGzipBody(request: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> {
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return payload;
  if (encoding !== 'gzip') throw new HubError('bad_request', `unsupported content-encoding ${encoding.slice(0, 40)}`);
  delete request.headers['content-length']; // the declared length is the compressed one

  const limit = request.routeOptions.bodyLimit ?? 1024 * 1024;
  let inflated = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      inflated += chunk.length;
      if (inflated > limit) done(new HubError('payload_too_large', `request body inflates past ${limit} bytes`));
      else done(null, chunk);
    },
  });
  const gunzip = createGunzip();
  // The request itself is never destroyed here: once the reply is sent, Node discards whatever the client still sends.
  const stop = (error: Error) => {
    payload.unpipe(gunzip);
    gunzip.destroy();
    if (!capped.destroyed) capped.destroy(error instanceof HubError ? error : new HubError('bad_request', `request body is not valid gzip: ${error.message}`));
  };
  payload.on('error', stop);
  gunzip.on('error', stop);
  // Fastify listens for this error while it reads the body; the log keeps a late one (after the reply) from being lost.
  capped.on('error', (error) => {
    stop(error);
    request.log.info({ err: error }, 'push body inflation stopped');
  });
  return payload.pipe(gunzip).pipe(capped);
}
