// Device push (ops → acks, device group) and the lead school's report (admin group; the HTML page also takes the admin
// token as `?key=` so a teacher can open it from a link).
import type { FastifyInstance } from 'fastify';
import { HubPaths, PROTOCOL_VERSION, PUSH_HUB_MAX_OPS, PushRequest, type PushResponse } from '../../../src/shared/protocol.ts';
import { compactAcks } from '../../../src/shared/push-acks.ts';
import { deviceOf } from '../org/auth-guards.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { inflateGzipBody } from '../../core/http/inflate-body.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';
import { receivePush } from './receive-push.ts';
import { buildPracticeReport, renderPracticeSection } from '../practice/practice-report.ts';
import { buildReport, renderReportHtml } from '../report/admin-report.ts';

export function registerPushRoute(device: FastifyInstance, ctx: HubContext) {
  device.post(HubPaths.push, { preParsing: inflateGzipBody }, async (request) => {
    const body = parseOrBadRequest(PushRequest, request.body);
    const device = deviceOf(request);
    const acks = await receivePush(ctx, device, body.ops, request.log);
    // Compact on request: the answer to 2000 applied ops is a few bytes instead of ~110 KB on the classroom's downlink.
    const base = { protocol: PROTOCOL_VERSION, maxOps: PUSH_HUB_MAX_OPS } as const;
    const response: PushResponse = body.acks === 'compact' ? { ...base, ...compactAcks(body.ops, acks) } : { ...base, acks };
    return response;
  });
}

export function registerReportRoutes(admin: FastifyInstance, ctx: HubContext) {
  admin.get('/v1/admin/report', async () => ({ rows: await buildReport(ctx.db), practice: await buildPracticeReport(ctx.db) }));
}

export function registerReportPage(adminPage: FastifyInstance, ctx: HubContext) {
  adminPage.get('/report', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderReportHtml(await buildReport(ctx.db), ctx.hubName, renderPracticeSection(await buildPracticeReport(ctx.db)))),
  );
}
