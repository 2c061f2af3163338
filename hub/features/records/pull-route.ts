// A classroom PC pulls its classroom's changes by cursor (device group): timetable, roster, quizzes, notes shared by
// the classroom's other devices, exam results once an exam has closed.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HubPaths, PROTOCOL_VERSION, type PullResponse } from '../../../src/shared/protocol.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';
import { deviceOf } from '../org/auth-guards.ts';
import { releaseClosedExams } from '../practice/exam-repo.ts';
import { changesSince } from '../timetable/change-log.ts';

const PullQuery = z.object({ cursor: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(2000).default(500) });

export function registerPullRoute(device: FastifyInstance, ctx: HubContext) {
  device.get(HubPaths.pull, async (request) => {
    const query = parseOrBadRequest(PullQuery, request.query);
    const device = deviceOf(request);
    await releaseClosedExams(ctx.db, device.classroom_id, ctx.now());
    const page = await changesSince(ctx.db, device.classroom_id, query.cursor, query.limit, (seq, reason) =>
      request.log.warn({ classroomId: device.classroom_id, seq, reason }, 'stored change skipped: does not parse'),
    );
    const response: PullResponse = { protocol: PROTOCOL_VERSION, serverTime: ctx.now().toISOString(), ...page };
    return response;
  });
}
