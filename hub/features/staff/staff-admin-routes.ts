// Staff accounts made with the admin token (machines, the county's scripts; `npm run hub:staff` does the same on the
// hub's own store). Registered in the admin group.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Id } from '../../../src/shared/protocol.ts';
import { isUniqueViolation } from '../../core/db/sql-db.ts';
import { HubError } from '../../core/http/hub-error.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';
import { createStaffAccount, StaffRole } from './staff-repo.ts';

export const Username = z.string().regex(/^[A-Za-z0-9._-]{3,64}$/, '3–64 letters, digits, . _ -');
/** A new password, here and when staff change their own (staff-account-routes.ts). */
export const StaffPassword = z.string().min(10, 'at least 10 characters').max(200);
export const NewStaffAccount = z
  .object({
    username: Username,
    displayName: z.string().min(1).max(100),
    role: StaffRole,
    password: StaffPassword,
    schoolId: Id.optional(),
    courseIds: z.array(Id).max(200).optional(),
  })
  .strict()
  .refine((a) => (a.role === 'head') === (a.schoolId !== undefined), { message: 'a receiving-school head, and only a head, names a school', path: ['schoolId'] })
  .refine((a) => a.role !== 'lead' || (a.courseIds ?? []).length > 0, { message: 'a lead teacher needs courses', path: ['courseIds'] });

export function registerStaffAdminRoutes(admin: FastifyInstance, ctx: HubContext) {
  admin.post('/v1/admin/staff', async (request, reply) => {
    const body = parseOrBadRequest(NewStaffAccount, request.body);
    if (body.schoolId && !(await ctx.db.get(`SELECT 1 FROM schools WHERE id = ? AND kind = 'receiving'`, [body.schoolId]))) throw new HubError('not_found', 'receiving school');
    for (const courseId of body.courseIds ?? []) if (!(await ctx.db.get(`SELECT 1 FROM courses WHERE id = ?`, [courseId]))) throw new HubError('not_found', `course ${courseId}`);
    try {
      const id = await createStaffAccount(ctx.db, body, ctx.now());
      return await reply.status(201).send({ id, username: body.username });
    } catch (error) {
      if (isUniqueViolation(error)) throw new HubError('bad_request', `user name ${body.username} is taken`);
      throw error;
    }
  });
}
