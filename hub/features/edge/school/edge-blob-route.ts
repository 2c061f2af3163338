// GET /v1/content/blobs/:sha256 on the edge: the same answer as the county hub's (Range 206/416, strong ETag, 304),
// from the edge's disk. A blob not yet held is fetched from the county once (coalesced) and each range is served as
// soon as the chunks under it have arrived and verified. Only blobs of the asking classroom's own packs.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ContentPaths, Sha256Hex } from '../../../../src/shared/content-protocol.ts';
import { decideRanges, etagMatches } from '../../../core/http/byte-ranges.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { sendFile } from '../../../core/http/send-file.ts';
import { parseOrBadRequest } from '../../../core/http/validate.ts';
import type { BlobCache } from './blob-cache.ts';
import { callerOf } from './edge-guards.ts';
import type { createBlobFetcher } from './blob-fetcher.ts';
import type { EdgeContent } from './edge-content.ts';
import type { EdgeStats } from './edge-status.ts';

const BlobParams = z.object({ sha256: Sha256Hex });

type Deps = {
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
    const { device, token } = callerOf(request);
    const { sha256 } = parseOrBadRequest(BlobParams, request.params);
    const spec = await deps.content.specFor(device.classroomId, token, sha256);
    if (!spec) throw new HubError('not_found', 'no such content for this classroom');
    const etag = `"${sha256}"`;
    reply.header('cache-control', 'private, max-age=31536000, immutable');
    const release = deps.cache.hold(sha256);
    try {
      const decision = etagMatches(request.headers['if-none-match'], etag) ? { kind: 'full' as const } : decideRanges(request.headers.range, spec.size);
      const only = decision.kind === 'partial' && decision.ranges.length === 1 ? decision.ranges[0] : undefined;
      if (!deps.cache.has(sha256) && only && request.headers['if-range'] === undefined) {
        // Not all here yet: serve this one range as soon as the chunks under it have arrived and verified.
        await deps.fetcher.fetchBlob(spec).waitFor(only.end + 1);
        if (!deps.cache.has(sha256)) return await servePartial(reply, only, spec.size, sha256, release);
      } else if (!deps.cache.has(sha256) && decision.kind !== 'unsatisfiable' && !etagMatches(request.headers['if-none-match'], etag)) {
        await deps.fetcher.fetchBlob(spec).done;
      }
      deps.cache.touch(sha256);
      const sent = sendFile(request, reply, { path: deps.cache.pathOf(sha256), size: spec.size, contentType: 'application/octet-stream', etag });
      if (reply.statusCode === 200 || reply.statusCode === 206) deps.stats.bytes.lanServed += Number(reply.getHeader('content-length') ?? 0);
      reply.raw.once('close', release);
      return sent;
    } catch (error) {
      release();
      throw error;
    }
  });

  /** One range of a blob still being fetched, from its partial file (or the committed blob, if it moved meanwhile). */
  async function servePartial(reply: FastifyReply, range: { start: number; end: number }, size: number, sha256: string, release: () => void) {
    const length = range.end - range.start + 1;
    const file = await openForRead(deps.cache, sha256);
    deps.stats.bytes.lanServed += length;
    reply.status(206).type('application/octet-stream').header('accept-ranges', 'bytes').header('etag', `"${sha256}"`);
    reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', length);
    const stream = createReadStream('', { fd: file, start: range.start, end: range.end, autoClose: true });
    stream.once('close', release);
    return reply.send(stream);
  }
}
