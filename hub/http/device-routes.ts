// What enrolled devices call: enroll once, then pull their classroom's changes by cursor.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EnrollRequest, HubPaths, PROTOCOL_VERSION, type EnrollResponse, type PullResponse } from '../../src/shared/protocol.ts';
import { enrollDevice } from '../org/enroll-device.ts';
import { changesSince } from '../timetable/change-log.ts';
import { requireDevice } from './auth.ts';
import type { HubContext } from './hub-context.ts';
import { parseOrBadRequest } from './validate.ts';

const PullQuery = z.object({ cursor: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(2000).default(500) });

export function registerDeviceRoutes(app: FastifyInstance, ctx: HubContext) {
  app.post(HubPaths.enroll, async (request, reply) => {
    const body = parseOrBadRequest(EnrollRequest, request.body);
    const enrolled = enrollDevice(ctx.db, { ...body, now: ctx.now() });
    const response: EnrollResponse = { protocol: PROTOCOL_VERSION, hubName: ctx.hubName, ...enrolled, packSigningKey: ctx.packSigner.publicKey };
    return reply.status(201).send(response);
  });

  app.get(HubPaths.pull, async (request) => {
    const now = ctx.now();
    const device = requireDevice(ctx.db, request, now);
    const query = parseOrBadRequest(PullQuery, request.query);
    const page = changesSince(ctx.db, device.classroom_id, query.cursor, query.limit, (seq, reason) =>
      request.log.warn({ classroomId: device.classroom_id, seq, reason }, 'stored change skipped: does not parse'),
    );
    const response: PullResponse = { protocol: PROTOCOL_VERSION, serverTime: now.toISOString(), ...page };
    return response;
  });
}
