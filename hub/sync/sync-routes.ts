// Device push (ops → acks) and the lead school's report.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HubPaths, PROTOCOL_VERSION, PushRequest, type PushResponse } from '../../src/shared/protocol.ts';
import { requireAdmin, requireDevice } from '../http/auth.ts';
import type { HubContext } from '../http/hub-context.ts';
import { parseOrBadRequest } from '../http/validate.ts';
import { applyPush } from './apply-ops.ts';
import { buildReport, renderReportHtml } from './report.ts';

export function registerSyncRoutes(app: FastifyInstance, ctx: HubContext) {
  // Wire figures for benchmarks and IT: what pushes cost on the link (compressed bytes as received).
  const stats = { pushRequests: 0, pushBytes: 0, pushOps: 0 };
  app.get('/v1/admin/stats', async () => stats);
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'POST' || !request.url.startsWith(HubPaths.push)) return;
    stats.pushRequests++;
    stats.pushBytes += Number(request.headers['content-length'] ?? 0); // before inflating: bytes on the wire
  });

  app.post(HubPaths.push, async (request) => {
    const now = ctx.now();
    const device = requireDevice(ctx.db, request, now);
    const body = parseOrBadRequest(PushRequest, request.body);
    stats.pushOps += body.ops.length;
    const acks = applyPush(ctx.db, device, body.ops, now, (op, error) =>
      request.log.error({ err: error, deviceId: device.id, opId: op.id, opType: op.type }, 'op rejected: unexpected failure'),
    );
    const response: PushResponse = { protocol: PROTOCOL_VERSION, acks };
    return response;
  });

  app.get('/v1/admin/report', async () => ({ rows: buildReport(ctx.db) }));

  /** Counts for one device's applied ops and their effects: what the chaos test compares with what it sent. */
  app.get('/v1/admin/devices/:id/ops', async (request) => {
    const { id } = parseOrBadRequest(z.object({ id: z.string().max(64) }), request.params);
    const ids = (ctx.db.prepare(`SELECT op_id FROM applied_ops WHERE device_id = ? ORDER BY seq`).all(id) as { op_id: string }[]).map((r) => r.op_id);
    const answerRows = ctx.db.prepare(`SELECT count(*) AS n, count(DISTINCT op_id) AS d FROM quiz_answers WHERE device_id = ?`).get(id) as { n: number; d: number };
    const noteRows = ctx.db.prepare(`SELECT count(*) AS n FROM note_versions WHERE device_id = ?`).get(id) as { n: number };
    return { opIds: ids, quizAnswerRows: answerRows.n, quizAnswerOps: answerRows.d, noteVersionRows: noteRows.n };
  });

  // A page a lead-school teacher can open in any browser: /report?key=<admin token>.
  app.get('/report', async (request, reply) => {
    const { key } = parseOrBadRequest(z.object({ key: z.string().max(300).optional() }), request.query);
    request.headers.authorization ??= key ? `Bearer ${key}` : undefined;
    requireAdmin(request, ctx.adminToken);
    return reply.type('text/html; charset=utf-8').send(renderReportHtml(buildReport(ctx.db), ctx.hubName));
  });
}
