// The lead school publishes a 考核 (admin group): the paper goes to the lesson's classrooms, the key stays here.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Exam, Id } from '../../../src/shared/protocol.ts';
import { HubError, valueOrThrow } from '../../core/http/hub-error.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';
import { putExam } from './exam-repo.ts';
import { buildPracticeReport } from './practice-report.ts';

const IdParams = z.object({ id: Id });

export function registerPracticeAdminRoutes(admin: FastifyInstance, ctx: HubContext) {
  admin.put('/v1/admin/exams/:id', async (request, reply) => {
    const { id } = parseOrBadRequest(IdParams, request.params);
    const exam = parseOrBadRequest(Exam, request.body);
    if (exam.paper.id !== id) throw new HubError('bad_request', 'paper.id must match the exam id in the path');
    valueOrThrow(await putExam(ctx.db, exam, ctx.now()));
    return reply.status(200).send({ exam: id });
  });
  admin.get('/v1/admin/practice-report', async () => buildPracticeReport(ctx.db));
}
