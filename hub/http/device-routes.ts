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
import { checkCredential, refuseIfLimited } from './hub-limits.ts';
import { parseOrBadRequest } from './validate.ts';

const PullQuery = z.object({ cursor: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(2000).default(500) });

/** Enrollment codes, for classrooms and school edges alike: a wrong, expired or used code is a failed attempt. */
export const isCodeFailure = (error: unknown) => error instanceof HubError && error.code.startsWith('enrollment_code_');

/**
 * An enrollment code is checked through the one limiter: the address before the code is looked at; the code's own
 * count (others may type it too) refuses only codes that fail, never a good one.
 */
export function checkEnrollmentCode<T>(ctx: HubContext, address: string, code: string, enroll: () => Promise<T>): Promise<T> {
  const { enrollPerAddress, enrollPerCode } = ctx.attempts;
  return checkCredential('enrollment attempts', { own: [[enrollPerAddress, address]], shared: [[enrollPerCode, code]] }, enroll, isCodeFailure);
}

export function registerEnrollRoute(app: FastifyInstance, ctx: HubContext) {
  app.post(HubPaths.enroll, {
    config: { credential: true },
    // Refused before the body is even read: a limited address costs the hub nothing.
    onRequest: async (request) => refuseIfLimited([[ctx.attempts.enrollPerAddress, request.ip]], 'enrollment attempts'),
    handler: async (request, reply) => {
      const body = parseOrBadRequest(EnrollRequest, request.body);
      const enrolled = await checkEnrollmentCode(ctx, request.ip, body.code, () => enrollDevice(ctx.db, { ...body, now: ctx.now() }));
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
