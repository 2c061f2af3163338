// Administration for the county/lead side: issue enrollment codes, revoke devices, edit the timetable. Registered in
// the admin group (access-groups.ts), whose guard checks the admin token; the web admin UI (later) and the CLI use these.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Id, IsoDateTime, LessonMode } from '../../../src/shared/protocol.ts';
import { createEnrollmentCode, listClassrooms, revokeDevice } from './org-repo.ts';
import { newEnrollmentCode } from './tokens.ts';
import { deleteLesson, putLesson } from '../timetable/timetable-repo.ts';
import { HubError, valueOrThrow } from '../../core/http/hub-error.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';

const CodeRequest = z.object({
  classroomId: Id,
  ttlMinutes: z.number().int().min(1).max(60 * 24 * 30).default(60 * 24),
  maxUses: z.number().int().min(1).max(1000).nullable().default(1),
});
const IdParams = z.object({ id: Id });
const LessonBody = z
  .object({ courseId: Id, title: z.string().min(1).max(200), startsAt: IsoDateTime, endsAt: IsoDateTime, mode: LessonMode, classroomIds: z.array(Id).max(500) })
  .refine((l) => Date.parse(l.endsAt) > Date.parse(l.startsAt), { message: 'endsAt must be after startsAt', path: ['endsAt'] });

export function registerAdminRoutes(app: FastifyInstance, ctx: HubContext) {
  app.get('/v1/admin/classrooms', async () => ({ classrooms: await listClassrooms(ctx.db) }));

  app.post('/v1/admin/enrollment-codes', async (request, reply) => {
    const body = parseOrBadRequest(CodeRequest, request.body ?? {});
    if (!(await ctx.db.get(`SELECT 1 FROM classrooms WHERE id = ?`, [body.classroomId]))) throw new HubError('not_found', 'classroom');
    const now = ctx.now();
    const expiresAt = new Date(now.getTime() + body.ttlMinutes * 60_000);
    const code = newEnrollmentCode();
    await createEnrollmentCode(ctx.db, { code, classroomId: body.classroomId, expiresAt, maxUses: body.maxUses, now });
    return reply.status(201).send({ code, expiresAt: expiresAt.toISOString(), maxUses: body.maxUses });
  });

  app.post('/v1/admin/devices/:id/revoke', async (request) => {
    const { id } = parseOrBadRequest(IdParams, request.params);
    if (!(await revokeDevice(ctx.db, id, ctx.now()))) throw new HubError('not_found', 'device');
    return { revoked: id };
  });

  app.put('/v1/admin/lessons/:id', async (request) => {
    const { id } = parseOrBadRequest(IdParams, request.params);
    const body = parseOrBadRequest(LessonBody, request.body);
    valueOrThrow(await putLesson(ctx.db, { id, ...body }, ctx.now()));
    return { lesson: id };
  });

  app.delete('/v1/admin/lessons/:id', async (request) => {
    const { id } = parseOrBadRequest(IdParams, request.params);
    valueOrThrow(await deleteLesson(ctx.db, id, ctx.now()));
    return { deleted: id };
  });
}
