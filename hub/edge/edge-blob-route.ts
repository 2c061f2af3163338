// GET /v1/content/blobs/:sha256 on the edge: the same answer as the county hub's (Range 206/416, strong ETag, 304),
// from the edge's disk. A blob not yet held is fetched from the county once (coalesced) and each range is served as
// soon as the chunks under it have arrived and verified. Only blobs of the asking classroom's own packs.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ContentPaths, Sha256Hex } from '../../src/shared/content-protocol.ts';
import type { EdgeAuthoriseResponse } from '../../src/shared/edge-protocol.ts';
import type { ErrorResponse } from '../../src/shared/protocol.ts';
import { decideRange, etagMatches } from '../content/http-range.ts';
import { HubError } from '../http/hub-error.ts';
import { parseOrBadRequest } from '../http/validate.ts';
import type { BlobCache } from './blob-cache.ts';
import type { createBlobFetcher } from './blob-fetcher.ts';
import type { EdgeContent } from './edge-content.ts';
import type { EdgeStats } from './edge-status.ts';

const BlobParams = z.object({ sha256: Sha256Hex });

type Deps = {
  authorise(authorization: string | undefined): Promise<{ device: EdgeAuthoriseResponse; token: string }>;
  content: EdgeContent;
  cache: BlobCache;
  fetcher: ReturnType<typeof createBlobFetcher>;
  stats: EdgeStats;
};

/** The complete blob if held, else the partial file (whose first bytes the caller waited for). */
async function openForRead(cache: BlobCache, sha256: string): Promise<FileHandle> {
  try {
    return await open(cache.pathOf(sha256), 'r');
  } catch {
    try {
      return await open(cache.partialPathOf(sha256), 'r');
    } catch {
      // Committed between the two opens: the rename moved it to its final place.
      return open(cache.pathOf(sha256), 'r');
    }
  }
}

export function registerEdgeBlobRoute(app: FastifyInstance, deps: Deps) {
  app.get(ContentPaths.blob(':sha256'), async (request, reply) => {
    const { device, token } = await deps.authorise(request.headers.authorization);
    const { sha256 } = parseOrBadRequest(BlobParams, request.params);
    const spec = await deps.content.specFor(device.classroomId, token, sha256);
    if (!spec) throw new HubError('not_found', 'no such content for this classroom');
    const etag = `"${sha256}"`;
    reply.header('etag', etag);
    reply.header('accept-ranges', 'bytes');
    reply.header('cache-control', 'private, max-age=31536000, immutable');
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.status(304).send();
    const range = decideRange(request.headers.range, spec.size);
    if (range.kind === 'unsatisfiable') {
      reply.header('content-range', `bytes */${spec.size}`);
      const body: ErrorResponse = { error: { code: 'bad_request', message: `range not satisfiable for ${spec.size} bytes` } };
      return reply.status(416).send(body);
    }
    const start = range.kind === 'full' ? 0 : range.start;
    const end = range.kind === 'full' ? spec.size - 1 : range.end;
    const release = deps.cache.hold(sha256);
    try {
      if (!deps.cache.has(sha256)) await deps.fetcher.fetchBlob(spec).waitFor(end + 1);
      deps.cache.touch(sha256);
      const length = Math.max(0, end - start + 1);
      deps.stats.bytes.lanServed += length;
      reply.type('application/octet-stream');
      reply.header('content-length', length);
      if (range.kind === 'partial') reply.status(206).header('content-range', `bytes ${start}-${end}/${spec.size}`);
      if (length === 0) {
        release();
        return reply.send('');
      }
      const file = await openForRead(deps.cache, sha256);
      const stream = createReadStream('', { fd: file, start, end, autoClose: true });
      stream.once('close', release);
      return reply.send(stream);
    } catch (error) {
      release();
      throw error;
    }
  });
}
