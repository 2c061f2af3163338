// A signed-in account's own settings, in the staff group (session cookie; CSRF token and Origin checked by the guard
// on writes): changing its password.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HubContext } from '../../core/http/hub-context.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';
import { changePassword } from './change-password.ts';
import { StaffPassword } from './staff-admin-routes.ts';
import { staffOf } from './staff-auth.ts';

export const StaffAccountPaths = { password: '/staff/api/password' } as const;

const PasswordBody = z.object({ currentPassword: z.string().min(1).max(200), newPassword: StaffPassword }).strict();

export function registerStaffAccountRoutes(staff: FastifyInstance, ctx: HubContext) {
  staff.post(StaffAccountPaths.password, async (request) => {
    const body = parseOrBadRequest(PasswordBody, request.body);
    const { scope, sessionId } = staffOf(request);
    const { otherSessionsEnded } = await changePassword(ctx, { accountId: scope.accountId, username: scope.username, sessionId, ...body, address: request.ip });
    return { changed: true, otherSessionsEnded };
  });
}
