// Staff sign-in for the report (lead-school teachers, county staff, receiving-school heads). The session cookie is
// HttpOnly, SameSite=Strict, Path=/staff and Secure on HTTPS; the database keeps only a hash of its id. Every
// state-changing request of the staff group must also carry the session's CSRF token in `x-csrf-token` and, when the
// browser sends one, an Origin equal to the hub's own. The guard resolves the account's scope ONCE per request; routes
// read it with staffScopeOf() and hand it to every query — nothing is decided from the URL.
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { HubError } from '../../core/http/hub-error.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { checkCredential } from '../../core/http/hub-limits.ts';
import { dummyHash, verifyPassword } from './passwords.ts';
import { createSession, findSession, findStaffByUsername, resolveScope, SESSION_HOURS, type StaffScope } from './staff-repo.ts';

export const STAFF_COOKIE = 'ykt_staff';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export function sessionCookieOf(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === STAFF_COOKIE) {
      const id = value.join('=');
      return SESSION_ID.test(id) ? id : undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string | null) {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  const value = sessionId ?? '';
  const age = sessionId ? SESSION_HOURS * 3600 : 0;
  reply.header('set-cookie', `${STAFF_COOKIE}=${value}; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=${age}${secure}`);
}

/** A browser's Origin, when it sent one, must be this hub (login CSRF, and a second check behind the token). */
export function refuseForeignOrigin(request: FastifyRequest) {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (origin !== `${request.protocol}://${request.headers.host ?? ''}`) throw new HubError('forbidden', 'request from another site (Origin)');
}

/** The sign-in failure counter's key (also a password change's: one budget of guesses per account and address). */
export const signInKey = (username: string, address: string) => JSON.stringify([username, address]); // text PostgreSQL can store (no NUL), unambiguous

/** A user name and password → a new session. Failures count per account AND address, checked before the password. */
export async function signIn(ctx: HubContext, username: string, password: string, address: string) {
  const key = signInKey(username, address);
  const accountId = await checkCredential('sign-ins for this account', { own: [[ctx.attempts.staffLoginPerAccountAddress, key]] }, async () => {
    const account = await findStaffByUsername(ctx.db, username);
    // An unknown name costs one scrypt too, so timing does not tell which names exist.
    const ok = await verifyPassword(password, account?.password_hash ?? (await dummyHash()));
    if (!account || !ok) throw new HubError('unauthorized', 'wrong user name or password');
    return account.id;
  });
  return { accountId, ...(await createSession(ctx.db, accountId, ctx.now())) };
}

type StaffRequest = { scope: StaffScope; sessionId: string; csrfToken: string };
const staffRequests = new WeakMap<FastifyRequest, StaffRequest>();

export function staffOf(request: FastifyRequest): StaffRequest {
  const staff = staffRequests.get(request);
  if (!staff) throw new Error('staffOf() outside the staff access group'); // a wiring bug, logged as internal
  return staff;
}

export const staffScopeOf = (request: FastifyRequest): StaffScope => staffOf(request).scope;

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function staffGuard(ctx: HubContext): onRequestAsyncHookHandler {
  return async (request, reply) => {
    // Staff answers carry a session's data: never readable by another origin, whatever the hub-wide CORS allows.
    reply.header('cache-control', 'no-store');
    const { session, scope } = await checkCredential('staff sessions', { own: [[ctx.attempts.staffSessionPerAddress, request.ip]] }, async () => {
      const sessionId = sessionCookieOf(request);
      const found = sessionId ? await findSession(ctx.db, sessionId, ctx.now()) : undefined;
      const resolved = found ? await resolveScope(ctx.db, found.account_id) : undefined;
      if (!sessionId || !found || !resolved) throw new HubError('unauthorized', sessionId ? 'session expired or signed out' : 'sign in first (staff session cookie)');
      return { session: { ...found, id: sessionId }, scope: resolved };
    });
    if (!SAFE.has(request.method)) {
      refuseForeignOrigin(request);
      if (request.headers[CSRF_HEADER] !== session.csrf_token) throw new HubError('forbidden', `missing or wrong ${CSRF_HEADER}`);
    }
    staffRequests.set(request, { scope, sessionId: session.id, csrfToken: session.csrf_token });
  };
}
