// Who may call the school edge, as on the county hub: decided by the access group a route sits in (hub/core
// access-groups.ts), never by the URL. device: a classroom's own bearer token, checked by the county (cached,
// device-authoriser.ts) and only for this school; admin / admin-page: the edge's admin token (IT's status page; the page
// also takes it as `?key=`), through the one credential check and its failure limits.
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { EdgeDevice } from '../../../../src/shared/edge-protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { checkCredential } from '../../../core/http/hub-limits.ts';
import type { AttemptCounter } from '../../../core/http/store-attempt-limiter.ts';
import { bearerToken } from '../../org/auth-guards.ts';
import { hashToken, matchesTokenHash } from '../../org/tokens.ts';
import type { DeviceAuthoriser } from './device-authoriser.ts';
import type { EdgeStats } from './edge-status.ts';

export type EdgeCaller = { device: EdgeDevice; token: string };

const callers = new WeakMap<FastifyRequest, EdgeCaller>();
const DEVICE_TOKEN = /^Bearer ([A-Za-z0-9._~+/=-]{16,300})$/;

export function edgeDeviceGuard(authoriser: DeviceAuthoriser, stats: EdgeStats): onRequestAsyncHookHandler {
  return async (request) => {
    const token = DEVICE_TOKEN.exec(request.headers.authorization ?? '')?.[1];
    const device = await authoriser.authorise(token);
    stats.seen(device.classroomId, device.deviceId);
    callers.set(request, { device, token: token ?? '' });
  };
}

/** The classroom a device-group request was authorised as (its guard ran first). */
export function callerOf(request: FastifyRequest): EdgeCaller {
  const caller = callers.get(request);
  if (!caller) throw new Error('edge route outside the device group');
  return caller;
}

export function edgeAdminGuard(adminToken: string, failures: AttemptCounter, options: { queryKey?: boolean } = {}): onRequestAsyncHookHandler {
  const adminHash = hashToken(adminToken);
  return async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    const token = bearerToken(request) ?? (options.queryKey && typeof query?.key === 'string' ? query.key : undefined);
    await checkCredential('edge admin logins', { own: [[failures, request.ip]] }, async () => {
      if (!token || !matchesTokenHash(token, adminHash)) throw new HubError('unauthorized', 'edge admin token required');
    });
  };
}
