// What classroom PCs call: enroll once (public, with failed attempts limited per address and per code), then pull
// their classroom's changes by cursor (device group).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EnrollRequest, HubPaths, PROTOCOL_VERSION, type EnrollResponse, type PullResponse } from '../../src/shared/protocol.ts';
import { enrollDevice } from '../org/enroll-device.ts';
import { releaseClosedExams } from '../sync/exam-repo.ts';
import { changesSince } from '../timetable/change-log.ts';
import { deviceOf } from './auth.ts';
import type { HubContext } from './hub-context.ts';
import { HubError } from './hub-error.ts';
import { refuseIfLimited } from './hub-limits.ts';
import { parseOrBadRequest } from './validate.ts';

const PullQuery = z.object({ cursor: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(2000).default(500) });

export function registerEnrollRoute(app: FastifyInstance, ctx: HubContext) {
  const { enrollPerAddress, enrollPerCode } = ctx.attempts;
  app.post(HubPaths.enroll, {
    // Refused before the body is even read: a limited address costs the hub nothing.
    onRequest: async (request) => refuseIfLimited([[enrollPerAddress, request.ip]], 'enrollment attempts'),
    handler: async (request, reply) => {
      const body = parseOrBadRequest(EnrollRequest, request.body);
      await refuseIfLimited([[enrollPerCode, body.code]], 'enrollment attempts with this code');
      let enrolled: Awaited<ReturnType<typeof enrollDevice>>;
      try {
        enrolled = await enrollDevice(ctx.db, { ...body, now: ctx.now() });
      } catch (error) {
        if (error instanceof HubError && error.code.startsWith('enrollment_code_')) {
          await enrollPerAddress.recordFailure(request.ip);
          await enrollPerCode.recordFailure(body.code);
        }
        throw error;
      }
      const response: EnrollResponse = { protocol: PROTOCOL_VERSION, hubName: ctx.hubName, ...enrolled, packSigningKey: ctx.packSigner.publicKey };
      return reply.status(201).send(response);
    },
  });
}

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
