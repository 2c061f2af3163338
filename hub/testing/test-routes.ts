// Endpoints only tests and benchmarks need. Registered by test hubs (test-hub.ts in-process, test-main.ts as a child
// process) and never by `npm run hub`: wire counters and a device's applied ops, in the admin group like any admin API.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ContentPaths } from '../../src/shared/content-protocol.ts';
import { HubPaths } from '../../src/shared/protocol.ts';
import type { HubExtension } from '../county/create-hub.ts';
import { HubError } from '../core/http/hub-error.ts';
import { parseOrBadRequest } from '../core/http/validate.ts';
import { seedProvince } from '../features/demo/seed-province.ts';

/** How many content requests the hub answered, and how (a resume test compares what was re-fetched). */
export const ContentStats = z.object({ requests: z.number().int(), rangeRequests: z.number().int(), bytesSent: z.number().int() });
export type ContentStats = z.infer<typeof ContentStats>;

export const TestPaths = {
  /** Pushes as received (HTTP requests and socket batches, the latter also apart): compressed bytes on the wire, requests, ops. */
  pushStats: '/v1/admin/stats',
  contentStats: '/v1/admin/content/stats',
  /** Counts for one device's applied ops and their effects: what the chaos test compares with what it sent. */
  deviceOps: (deviceId: string) => `/v1/admin/devices/${encodeURIComponent(deviceId)}/ops`,
  /** A province's schools, classrooms, rosters and today's lessons (`npm run load`); refused once any exist. */
  seedProvince: '/v1/admin/test/seed-province',
} as const;

export const SeedProvinceRequest = z.object({
  classrooms: z.number().int().min(1).max(5000),
  students: z.number().int().min(1).max(80),
  periods: z.number().int().min(1).max(6),
  audience: z.number().int().min(1).max(500),
});
export const SeedProvinceResponse = z.object({ classroomIds: z.array(z.string()), lessonIds: z.array(z.string()) });

export const registerTestRoutes: HubExtension = async ({ app, table, ctx }) => {
  const push = { pushRequests: 0, pushBytes: 0, pushOps: 0, socketBatches: 0 };
  const content: ContentStats = { requests: 0, rangeRequests: 0, bytesSent: 0 };
  const blobRoute = ContentPaths.blob(':sha256');
  const wireLength = new WeakMap<FastifyRequest, number>();
  // Counted by the route Fastify matched, after authentication: only what a device really got.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === HubPaths.push && request.method === 'POST' && reply.statusCode === 200) {
      push.pushRequests++;
      push.pushBytes += wireLength.get(request) ?? 0;
      push.pushOps += (request.body as { ops?: unknown[] } | undefined)?.ops?.length ?? 0;
    }
    if (route === blobRoute && request.method === 'GET' && [200, 206, 304, 416].includes(reply.statusCode)) {
      content.requests++;
      if (reply.statusCode === 206) content.rangeRequests++;
      if (reply.statusCode === 200 || reply.statusCode === 206) content.bytesSent += Number(reply.getHeader('content-length') ?? 0);
    }
  });
  // Batches over the sync socket: the bytes the socket read for each (compressed frames and their framing).
  ctx.events?.on('socketPushed', ({ ops, wireBytes }) => {
    push.pushRequests++;
    push.socketBatches++;
    push.pushBytes += wireBytes;
    push.pushOps += ops;
  });
  // The wire length before the body is inflated (the push route drops Content-Length when it decompresses).
  app.addHook('onRequest', async (request) => {
    wireLength.set(request, Number(request.headers['content-length'] ?? 0));
  });

  await table.group('admin', (admin) => {
    admin.get(TestPaths.pushStats, async () => push);
    admin.get(TestPaths.contentStats, async () => content);
    admin.post(TestPaths.seedProvince, async (request) => {
      const body = parseOrBadRequest(SeedProvinceRequest, request.body);
      if (await ctx.db.get(`SELECT 1 FROM schools WHERE id = 'sch-prov-lead'`)) throw new HubError('bad_request', 'the province is seeded already');
      return SeedProvinceResponse.parse(await seedProvince(ctx.db, ctx.now(), body));
    });
    // quiz_answers has no device index: read through its classroom index (a load run asks this for 1 200 devices)
    admin.get('/v1/admin/devices/:id/ops', async (request) => {
      const { id } = parseOrBadRequest(z.object({ id: z.string().max(64) }), request.params);
      const ids = (await ctx.db.all<{ op_id: string }>(`SELECT op_id FROM applied_ops WHERE device_id = ? ORDER BY seq`, [id])).map((r) => r.op_id);
      const answerRows = (await ctx.db.get<{ n: number; d: number }>(`SELECT count(*) AS n, count(DISTINCT op_id) AS d FROM quiz_answers WHERE classroom_id = (SELECT classroom_id FROM devices WHERE id = ?) AND device_id = ?`, [id, id])) ?? { n: 0, d: 0 };
      const noteRows = (await ctx.db.get<{ n: number }>(`SELECT count(*) AS n FROM note_versions WHERE device_id = ?`, [id])) ?? { n: 0 };
      return { opIds: ids, quizAnswerRows: answerRows.n, quizAnswerOps: answerRows.d, noteVersionRows: noteRows.n };
    });
  });
};
