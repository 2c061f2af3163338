// County routes for live through school edges (edge group: the edge's token, checked by edgeGuard): open/refresh and
// close a lesson's feed, set its layers; and the admin's count of what the feeds sent. An edge may receive only a live
// lesson that one of its own school's classrooms watches.
import type { FastifyInstance } from 'fastify';
import type { types as ms } from 'mediasoup';
import { z } from 'zod';
import { EdgeFeedRequest, EdgeLayersRequest, EdgeLivePaths, EdgeReturnRequest } from '../../../../src/shared/edge-live-protocol.ts';
import { Id } from '../../../../src/shared/protocol.ts';
import { edgeOf } from './county-edge-routes.ts';
import { authenticateDevice } from '../../org/auth-guards.ts';
import type { HubContext } from '../../../core/http/hub-context.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { parseOrBadRequest } from '../../../core/http/validate.ts';
import { getClassroom } from '../../org/org-repo.ts';
import { isLessonForClassroom } from '../../timetable/timetable-repo.ts';
import type { EdgeFeeds } from './edge-feed.ts';
import type { LiveSfu } from '../../live/sfu/live-sfu.ts';

const LessonParams = z.object({ id: Id });
const ReturnParams = z.object({ id: Id, peerId: z.string().min(1).max(100) });

/** The classroom whose camera an edge sends up: its own token, of the edge's school, watching this lesson. */
async function classroomOfReturn(ctx: HubContext, token: string, address: string, lessonId: string, schoolId: string): Promise<string> {
  const device = await authenticateDevice(ctx, token, address);
  const place = await getClassroom(ctx.db, device.classroom_id);
  if (!place || place.school.id !== schoolId) throw new HubError('wrong_school', 'this classroom is not of the edge’s school');
  if (!(await isLessonForClassroom(ctx.db, lessonId, device.classroom_id))) throw new HubError('forbidden', `lesson ${lessonId} is not on this classroom's timetable`);
  // The name a direct classroom's camera carries (authorise-join.ts): the console cannot tell the two apart.
  return `${place.school.name} ${place.classroom.name}`;
}

/** Same answer for "no such lesson" and "not this school's": an edge learns nothing about other schools' lessons. */
async function requireSchoolLiveLesson(ctx: HubContext, lessonId: string, schoolId: string) {
  const row = await ctx.db.get<{ mode: string }>(
    `SELECT l.mode FROM lessons l JOIN lesson_audience a ON a.lesson_id = l.id JOIN classrooms c ON c.id = a.classroom_id
      WHERE l.id = ? AND c.school_id = ? LIMIT 1`,
    [lessonId, schoolId],
  );
  if (!row) throw new HubError('forbidden', `lesson ${lessonId} is not on this school's timetable`);
  if (row.mode !== 'live') throw new HubError('bad_request', `lesson ${lessonId} is not a live lesson`);
}

export function registerEdgeFeedRoutes(edge: FastifyInstance, ctx: HubContext, live: { sfu: LiveSfu | null; unavailable: string; feeds: EdgeFeeds | null }) {
  const require = () => {
    if (!live.sfu || !live.feeds) throw new HubError('not_found', `live lessons are unavailable on this hub: ${live.unavailable}`);
    return { sfu: live.sfu, feeds: live.feeds };
  };

  edge.post(EdgeLivePaths.feed(':id'), async (request) => {
    const row = edgeOf(request);
    const { id } = parseOrBadRequest(LessonParams, request.params);
    const body = parseOrBadRequest(EdgeFeedRequest, request.body);
    await requireSchoolLiveLesson(ctx, id, row.school_id);
    const { sfu, feeds } = require();
    return feeds.feed(row.id, await sfu.room(id), body.rtpCapabilities as ms.RtpCapabilities, body.instance);
  });

  edge.post(EdgeLivePaths.layers(':id'), async (request) => {
    const row = edgeOf(request);
    const { id } = parseOrBadRequest(LessonParams, request.params);
    const body = parseOrBadRequest(EdgeLayersRequest, request.body);
    await require().feeds.setLayers(row.id, id, body.layers);
    return {};
  });

  edge.post(EdgeLivePaths.returnVideo(':id', ':peerId'), async (request) => {
    const row = edgeOf(request);
    const { id, peerId } = parseOrBadRequest(ReturnParams, request.params);
    const body = parseOrBadRequest(EdgeReturnRequest, request.body);
    const { feeds } = require();
    const classroomName = await classroomOfReturn(ctx, body.token, request.ip, id, row.school_id);
    return feeds.addReturn(row.id, id, peerId, classroomName, body.rtpParameters as unknown as ms.RtpParameters);
  });

  edge.delete(EdgeLivePaths.returnVideo(':id', ':peerId'), async (request) => {
    const row = edgeOf(request);
    const { id, peerId } = parseOrBadRequest(ReturnParams, request.params);
    return { closed: require().feeds.closeReturn(row.id, id, peerId) };
  });

  edge.delete(EdgeLivePaths.feed(':id'), async (request) => {
    const row = edgeOf(request);
    const { id } = parseOrBadRequest(LessonParams, request.params);
    return { closed: require().feeds.close(row.id, id) };
  });
}

export function registerEdgeFeedAdminRoutes(admin: FastifyInstance, feeds: EdgeFeeds | null) {
  admin.get(EdgeLivePaths.stats, async () => (feeds ? feeds.stats() : { feeds: [], rtpBytesSent: 0 }));
}
