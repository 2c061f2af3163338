// 联合教研 routes in the staff group: the lessons with notes, one lesson's notes side by side, a reply or 优秀做法
// mark, and taking one back (writes: the staff guard has checked the CSRF token and Origin; the scope is the guard's,
// never the URL's).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Id, Text } from '../../../src/shared/protocol.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';
import { valueOrThrow } from '../../core/http/hub-error.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import { staffScopeOf } from '../staff/staff-auth.ts';
import { addFeedback, lessonsWithNotes, researchLesson, withdrawFeedback } from './research-repo.ts';

export const ResearchPaths = {
  lessons: '/staff/api/research/lessons',
  lesson: '/staff/api/research/lessons/:lessonId',
  feedback: '/staff/api/research/notes/:noteId/feedback',
  withdraw: '/staff/api/research/feedback/:feedbackId/withdraw',
} as const;

const FeedbackBody = z
  .object({ kind: z.enum(['reply', 'good']), text: Text(2000) })
  .strict()
  .refine((f) => f.kind === 'good' || f.text.trim() !== '', { message: 'a reply needs text', path: ['text'] });

export function registerResearchRoutes(staff: FastifyInstance, ctx: HubContext) {
  staff.get(ResearchPaths.lessons, async (request) => ({ lessons: await lessonsWithNotes(ctx.db, staffScopeOf(request)) }));
  staff.get(ResearchPaths.lesson, async (request) => {
    const { lessonId } = parseOrBadRequest(z.object({ lessonId: Id }), request.params);
    return valueOrThrow(await researchLesson(ctx.db, lessonId, staffScopeOf(request)));
  });
  staff.post(ResearchPaths.feedback, async (request, reply) => {
    const { noteId } = parseOrBadRequest(z.object({ noteId: Id }), request.params);
    const body = parseOrBadRequest(FeedbackBody, request.body);
    const feedback = valueOrThrow(await addFeedback(ctx.db, staffScopeOf(request), { noteId, ...body }, ctx.now()));
    return reply.status(201).send({ feedback });
  });
  staff.post(ResearchPaths.withdraw, async (request) => {
    const { feedbackId } = parseOrBadRequest(z.object({ feedbackId: Id }), request.params);
    parseOrBadRequest(z.object({}).strict(), request.body ?? {});
    return { withdrawal: valueOrThrow(await withdrawFeedback(ctx.db, staffScopeOf(request), feedbackId, ctx.now())) };
  });
}
