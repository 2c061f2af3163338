// County hub routes for school edges. Three groups: admin (issue an edge code for a school), public (an edge trades
// its code for a token), and edge (edge token: authorise a classroom, list what to keep, fetch a blob). An edge may
// read only its own school's content and vouch only for its own school's classrooms: `wrong_school` otherwise.
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { Sha256Hex } from '../../../../src/shared/content-protocol.ts';
import {
  EdgeAuthoriseRequest,
  EdgeCodeRequest,
  EdgeEnrollRequest,
  EdgePaths,
  type EdgeAuthoriseResponse,
  type EdgeCodeResponse,
  type EdgeEnrollResponse,
  type EdgePinnedResponse,
} from '../../../../src/shared/edge-protocol.ts';
import { blobPath } from '../../content/content-store.ts';
import { bearerToken } from '../../org/auth-guards.ts';
import type { HubContext } from '../../../core/http/hub-context.ts';
import { HubError, valueOrThrow } from '../../../core/http/hub-error.ts';
import { checkCredential } from '../../../core/http/hub-limits.ts';
import { checkEnrollmentCode } from '../../org/device-routes.ts';
import { sendFile } from '../../../core/http/send-file.ts';
import { parseOrBadRequest } from '../../../core/http/validate.ts';
import { findDeviceByTokenHash, type DeviceRow } from '../../org/org-repo.ts';
import { hashToken } from '../../org/tokens.ts';
import { blobForSchool, createEdgeCode, enrollEdge, findEdgeByToken, pinnedFilesForSchool, type EdgeRow } from './county-edge-repo.ts';

const BlobParams = z.object({ sha256: Sha256Hex });
/** How far ahead the edge keeps lessons' packs (the classroom's own eviction keeps the next 3 days too). */
const PIN_DAYS = 3;
/** What the county hub has sent to edges (content bytes), for tests and the county's own view of uplink use. */
export type EdgeUplinkStats = { blobBytesSent: number; blobRequests: number };

/** Admin group. `uplink` is what registerEdgeRoutes counts: bytes the county sent to edges. */
export function registerEdgeAdminRoutes(admin: FastifyInstance, ctx: HubContext, uplink: EdgeUplinkStats) {
  admin.get(EdgePaths.uplinkStats, async () => uplink);

  admin.post(EdgePaths.codes, async (request, reply) => {
    const body = parseOrBadRequest(EdgeCodeRequest, request.body ?? {});
    const now = ctx.now();
    const expiresAt = new Date(now.getTime() + body.ttlMinutes * 60_000);
    const response: EdgeCodeResponse = { code: valueOrThrow(await createEdgeCode(ctx.db, body.schoolId, expiresAt, now)), expiresAt: expiresAt.toISOString() };
    return reply.status(201).send(response);
  });
}

/** Public group: the code is the credential, limited exactly as a classroom's enrollment code. */
export function registerEdgeEnrollRoute(open: FastifyInstance, ctx: HubContext) {
  open.post(EdgePaths.enroll, { config: { credential: true } }, async (request, reply) => {
    const body = parseOrBadRequest(EdgeEnrollRequest, request.body);
    const code = body.code.trim().toUpperCase();
    const response: EdgeEnrollResponse = await checkEnrollmentCode(ctx, request.ip, code, async () => valueOrThrow(await enrollEdge(ctx.db, { code, edgeName: body.edgeName, now: ctx.now() })));
    request.log.info({ edgeId: response.edgeId, schoolId: response.school.id }, 'school edge enrolled');
    return reply.status(201).send(response);
  });
}

const edges = new WeakMap<FastifyRequest, EdgeRow>();

/**
 * The edge group's guard (create-hub.ts): the edge's bearer token → its row. Failures count against the caller's
 * address like device tokens do; a revoked edge is named, not counted.
 */
export function edgeGuard(ctx: HubContext): onRequestAsyncHookHandler {
  return async (request) => {
    const token = bearerToken(request);
    const edge = await checkCredential('edge authentications', { own: [[ctx.attempts.deviceAuthPerAddress, request.ip]] }, async () => {
      const found = token ? await findEdgeByToken(ctx.db, token, ctx.now()) : undefined;
      return found ?? Promise.reject(new HubError('unauthorized', token ? 'unknown edge token' : 'edge token required'));
    });
    if (edge.revoked_at) throw new HubError('device_revoked', 'this edge was revoked by the hub administrator');
    edges.set(request, edge);
  };
}

export function edgeOf(request: FastifyRequest): EdgeRow {
  const edge = edges.get(request);
  if (!edge) throw new Error('edgeOf() outside the edge access group'); // a wiring bug, logged as internal
  return edge;
}

/** Edge group (behind edgeGuard). */
export function registerEdgeRoutes(app: FastifyInstance, ctx: HubContext): EdgeUplinkStats {
  const stats: EdgeUplinkStats = { blobBytesSent: 0, blobRequests: 0 };

  app.post(EdgePaths.authorise, async (request) => {
    const edge = edgeOf(request);
    const { deviceToken } = parseOrBadRequest(EdgeAuthoriseRequest, request.body);
    const refuse = (code: 'unauthorized' | 'device_revoked' | 'wrong_school' | 'rate_limited', message: string): EdgeAuthoriseResponse => ({ allowed: false, code, message });
    // Unknown device tokens relayed by one edge count against that edge, as they would against one address: a LAN
    // guesser behind an edge gets no more tries than one in front of the county hub.
    let device: DeviceRow;
    try {
      device = await checkCredential('device tokens through this edge', { own: [[ctx.attempts.deviceAuthPerAddress, `edge:${edge.id}`]] }, async () => {
        const found = await findDeviceByTokenHash(ctx.db, hashToken(deviceToken));
        return found ?? Promise.reject(new HubError('unauthorized', 'unknown device token'));
      });
    } catch (error) {
      if (error instanceof HubError && (error.code === 'rate_limited' || error.code === 'unauthorized')) return refuse(error.code, error.message);
      throw error;
    }
    if (device.revoked_at) return refuse('device_revoked', 'this device was revoked by the hub administrator');
    const row = await ctx.db.get<{ school_id: string }>(`SELECT school_id FROM classrooms WHERE id = ?`, [device.classroom_id]);
    if (row?.school_id !== edge.school_id) return refuse('wrong_school', 'this classroom belongs to another school than the edge');
    const response: EdgeAuthoriseResponse = { allowed: true, device: { deviceId: device.id, classroomId: device.classroom_id, schoolId: row.school_id } };
    return response;
  });

  app.get(EdgePaths.pinned, async (request) => {
    const edge = edgeOf(request);
    const now = ctx.now();
    const until = new Date(now.getTime() + PIN_DAYS * 86_400_000);
    const response: EdgePinnedResponse = { files: await pinnedFilesForSchool(ctx.db, edge.school_id, now, until) };
    return response;
  });

  app.get(EdgePaths.blob(':sha256'), async (request, reply) => {
    const edge = edgeOf(request);
    const { sha256 } = parseOrBadRequest(BlobParams, request.params);
    const blob = ctx.contentDir ? await blobForSchool(ctx.db, sha256, edge.school_id) : undefined;
    if (!blob || !ctx.contentDir) throw new HubError('not_found', 'no such content for this school');
    stats.blobRequests++;
    reply.header('cache-control', 'private, max-age=31536000, immutable');
    const sent = sendFile(request, reply, { path: blobPath(ctx.contentDir, sha256), size: blob.size, contentType: 'application/octet-stream', etag: `"${sha256}"` });
    // What crosses the school's uplink: the body's length (304 and 416 carry no content).
    if (reply.statusCode === 200 || reply.statusCode === 206) stats.blobBytesSent += Number(reply.getHeader('content-length') ?? 0);
    return sent;
  });
  return stats;
}
