// What devices fetch for offline content (device group): the list of their classroom's packs, and the files themselves
// by SHA-256 with HTTP Range (a lossy link is filled with several chunk requests in flight), a strong ETag and immutable
// caching (a content address never changes meaning).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ContentPaths, Sha256Hex, type PacksResponse } from '../../../src/shared/content-protocol.ts';
import { PROTOCOL_VERSION } from '../../../src/shared/protocol.ts';
import { deviceOf } from '../org/auth-guards.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { HubError } from '../../core/http/hub-error.ts';
import { sendFile } from '../../core/http/send-file.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';
import { blobForClassroom, packsForClassroom } from './content-repo.ts';
import { blobPath } from './content-store.ts';

const BlobParams = z.object({ sha256: Sha256Hex });

/**
 * May this device read this blob? Asked by an HTTP cache in front of the blob route (nginx `auth_request`, see
 * hub/deploy/nginx-blob-cache.conf) before it serves cached bytes: the cache keys blobs by hash alone, so the hub still
 * decides every request. 204 yes; 403 for not-yours and not-there alike (auth_request passes on only 401 and 403).
 */
export const BLOB_ACCESS_PATH = '/v1/content/blob-access/:sha256';

export function registerContentRoutes(device: FastifyInstance, ctx: HubContext) {
  device.get(ContentPaths.packs, async (request) => {
    const skipped = (packId: string) => request.log.warn({ packId }, 'pack left out of the list: stored manifest fails today\'s checks or is unsigned');
    const packs = await packsForClassroom(ctx.db, deviceOf(request).classroom_id, skipped);
    const response: PacksResponse = { protocol: PROTOCOL_VERSION, packs, signingKey: ctx.packSigner.publicKey };
    return response;
  });

  device.get(ContentPaths.blob(':sha256'), async (request, reply) => {
    const { sha256 } = parseOrBadRequest(BlobParams, request.params);
    // Not-yours and not-there look the same, so a device cannot probe other classrooms' content.
    const blob = await readableBlob(ctx, sha256, deviceOf(request).classroom_id);
    if (!blob || !ctx.contentDir) throw new HubError('not_found', 'no such content for this classroom');
    // private: the answer depends on the device's token; immutable: the bytes behind a hash never change.
    reply.header('cache-control', 'private, max-age=31536000, immutable');
    return sendFile(request, reply, { path: blobPath(ctx.contentDir, sha256), size: blob.size, contentType: 'application/octet-stream', etag: `"${sha256}"` });
  });

  device.get(BLOB_ACCESS_PATH, async (request, reply) => {
    const { sha256 } = parseOrBadRequest(BlobParams, request.params);
    if (!(await readableBlob(ctx, sha256, deviceOf(request).classroom_id))) throw new HubError('forbidden', 'no such content for this classroom');
    return reply.status(204).send();
  });
}

async function readableBlob(ctx: HubContext, sha256: string, classroomId: string) {
  return ctx.contentDir ? blobForClassroom(ctx.db, sha256, classroomId) : undefined;
}
