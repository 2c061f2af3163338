// What devices fetch for offline content: the list of their classroom's packs, and the files themselves by SHA-256 with
// HTTP Range (a lossy link is filled with several chunk requests in flight), a strong ETag and immutable caching (a
// content address never changes meaning). An admin counter of requests lets tests see how much a resume re-fetched.
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ContentPaths, Sha256Hex, type ContentStats, type PacksResponse } from '../../src/shared/content-protocol.ts';
import { PROTOCOL_VERSION, type ErrorResponse } from '../../src/shared/protocol.ts';
import { requireAdmin, requireDevice } from '../http/auth.ts';
import type { HubContext } from '../http/hub-context.ts';
import { HubError } from '../http/hub-error.ts';
import { parseOrBadRequest } from '../http/validate.ts';
import { blobForClassroom, packsForClassroom } from './content-repo.ts';
import { blobPath } from './content-store.ts';
import { decideRange, etagMatches } from './http-range.ts';

const BlobParams = z.object({ sha256: Sha256Hex });
// The renderer is another origin: without these, fetch() could not read the headers that make a chunk verifiable.
const EXPOSED = 'content-range, content-length, etag, accept-ranges';

export function registerContentRoutes(app: FastifyInstance, ctx: HubContext) {
  const stats: ContentStats = { requests: 0, rangeRequests: 0, bytesSent: 0 };

  app.get(ContentPaths.packs, async (request) => {
    const device = requireDevice(ctx.db, request, ctx.now());
    const skipped = (packId: string) => request.log.warn({ packId }, 'pack left out of the list: stored manifest fails today\'s checks or is unsigned');
    const packs = packsForClassroom(ctx.db, device.classroom_id, skipped);
    const response: PacksResponse = { protocol: PROTOCOL_VERSION, packs, signingKey: ctx.packSigner.publicKey };
    return response;
  });

  app.get(ContentPaths.blob(':sha256'), async (request, reply) => {
    const device = requireDevice(ctx.db, request, ctx.now());
    const { sha256 } = parseOrBadRequest(BlobParams, request.params);
    // Not-yours and not-there look the same, so a device cannot probe other classrooms' content.
    const blob = ctx.contentDir ? blobForClassroom(ctx.db, sha256, device.classroom_id) : undefined;
    if (!blob || !ctx.contentDir) throw new HubError('not_found', 'no such content for this classroom');
    stats.requests++;
    const etag = `"${sha256}"`;
    reply.header('etag', etag);
    reply.header('accept-ranges', 'bytes');
    // private: the answer depends on the device's token; immutable: the bytes behind a hash never change.
    reply.header('cache-control', 'private, max-age=31536000, immutable');
    reply.header('access-control-expose-headers', EXPOSED);
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.status(304).send();

    const range = decideRange(request.headers.range, blob.size);
    const file = blobPath(ctx.contentDir, sha256);
    if (range.kind === 'unsatisfiable') {
      reply.header('content-range', `bytes */${blob.size}`);
      const body: ErrorResponse = { error: { code: 'bad_request', message: `range not satisfiable for ${blob.size} bytes` } };
      return reply.status(416).send(body);
    }
    reply.type('application/octet-stream');
    if (range.kind === 'full') {
      stats.bytesSent += blob.size;
      reply.header('content-length', blob.size);
      return reply.send(blob.size === 0 ? '' : createReadStream(file));
    }
    stats.rangeRequests++;
    const length = range.end - range.start + 1;
    stats.bytesSent += length;
    reply.header('content-range', `bytes ${range.start}-${range.end}/${blob.size}`);
    reply.header('content-length', length);
    return reply.status(206).send(createReadStream(file, { start: range.start, end: range.end }));
  });

  app.get(ContentPaths.stats, async (request) => {
    requireAdmin(request, ctx.adminToken);
    return stats;
  });
}
