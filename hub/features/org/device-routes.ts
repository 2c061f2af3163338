// What classroom PCs call first: enroll once (public, with failed attempts limited per address and per code). Their
// pulls are the records feature's (hub/features/records/pull-route.ts).
import type { FastifyInstance } from 'fastify';
import { EnrollRequest, HubPaths, PROTOCOL_VERSION, type EnrollResponse } from '../../../src/shared/protocol.ts';
import { enrollDevice } from './enroll-device.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { HubError, valueOrThrow } from '../../core/http/hub-error.ts';
import { checkCredential, refuseIfLimited } from '../../core/http/hub-limits.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';

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
      const enrolled = await checkEnrollmentCode(ctx, request.ip, body.code, async () => valueOrThrow(await enrollDevice(ctx.db, { ...body, now: ctx.now() })));
      const response: EnrollResponse = { protocol: PROTOCOL_VERSION, hubName: ctx.hubName, ...enrolled, packSigningKey: ctx.packSigner.publicKey };
      return reply.status(201).send(response);
    },
  });
}
