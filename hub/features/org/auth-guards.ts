// Authentication for the access groups. Each guard is an onRequest hook that create-hub installs on one encapsulated
// Fastify context (access-groups.ts), so it runs for every request Fastify routes to any route of that group, whatever
// the URL looked like on the wire. No guard reads the URL: only the credential and the caller's address.
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { findDeviceByTokenHash, touchDevice, type DeviceRow } from './org-repo.ts';
import { hashToken, matchesTokenHash } from './tokens.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { HubError } from '../../core/http/hub-error.ts';
import { checkCredential, type LimitChecks } from '../../core/http/hub-limits.ts';

const TOKEN = /^[A-Za-z0-9._~+/=-]{16,300}$/;

export function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
  return match?.[1] && TOKEN.test(match[1]) ? match[1] : undefined;
}

/** A device's bearer token → its row. Failures count against the caller's address; a revoked device is not a guess. */
export async function authenticateDevice(ctx: HubContext, token: string | undefined, address: string): Promise<DeviceRow> {
  const device = await checkCredential('device authentications', { own: [[ctx.attempts.deviceAuthPerAddress, address]] }, async () => {
    const found = token ? await findDeviceByTokenHash(ctx.db, hashToken(token)) : undefined;
    return found ?? Promise.reject(new HubError('unauthorized', token ? 'unknown device token' : 'device token required'));
  });
  if (device.revoked_at) throw new HubError('device_revoked', 'this device was revoked by the hub administrator');
  await touchDevice(ctx.db, device, ctx.now());
  return device;
}

/**
 * The admin credential: the HTTP admin API, and the live lead console's login (which also names its lesson, so
 * failures count per lesson too). Failures count against the caller's address, which is refused before the secret is
 * checked; the lesson's count is shared with strangers, so it refuses only wrong credentials — guesses from many
 * addresses can never lock the lead teacher out of the console.
 */
export async function authenticateAdmin(ctx: HubContext, token: string | undefined, address: string, consoleLessonId?: string): Promise<void> {
  const what = consoleLessonId === undefined ? 'admin' : 'console';
  const shared: LimitChecks = consoleLessonId === undefined ? [] : [[ctx.attempts.consoleLoginPerLesson, consoleLessonId]];
  await checkCredential(`${what} logins`, { own: [[ctx.attempts.consoleLoginPerAddress, address]], shared }, async () => {
    if (!token || !matchesTokenHash(token, ctx.adminTokenHash)) throw new HubError('unauthorized', `${what} credential required`);
  });
}

const devices = new WeakMap<FastifyRequest, DeviceRow>();

/** The authenticated device of a request in the device group. */
export function deviceOf(request: FastifyRequest): DeviceRow {
  const device = devices.get(request);
  if (!device) throw new Error('deviceOf() outside the device access group'); // a wiring bug, logged as internal
  return device;
}

export function deviceGuard(ctx: HubContext): onRequestAsyncHookHandler {
  return async (request) => {
    devices.set(request, await authenticateDevice(ctx, bearerToken(request), request.ip));
  };
}

/**
 * `queryKey`: also accept `?key=<admin token>` — only for the report page a lead-school teacher opens from a link in
 * a plain browser, which cannot send a header.
 */
export function adminGuard(ctx: HubContext, { queryKey = false } = {}): onRequestAsyncHookHandler {
  return async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    const key = queryKey && typeof query?.key === 'string' && TOKEN.test(query.key) ? query.key : undefined;
    await authenticateAdmin(ctx, bearerToken(request) ?? key, request.ip);
  };
}

/**
 * Another hub node (cross-node live piping, hub/features/live/cluster/cross-node-pipe.ts): the shared HUB_CLUSTER_SECRET as a bearer
 * token. A node started without one takes no cluster calls at all. The secret is ≥ 32 random characters, beyond
 * guessing, but failures still count per address like every credential: a noisy caller costs the hub nothing.
 */
export function clusterGuard(ctx: HubContext, secretHash: string | undefined): onRequestAsyncHookHandler {
  return async (request) => {
    const token = bearerToken(request);
    await checkCredential('cluster calls', { own: [[ctx.attempts.clusterAuthPerAddress, request.ip]] }, async () => {
      if (secretHash && token && matchesTokenHash(token, secretHash)) return;
      throw new HubError('unauthorized', secretHash ? 'cluster secret required' : 'this node takes no cluster calls (HUB_CLUSTER_SECRET unset)');
    });
  };
}
