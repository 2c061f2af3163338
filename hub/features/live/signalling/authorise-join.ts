// Who may join which live lesson: a device only a live lesson on its own classroom's timetable; the lead console (the
// hub's admin credential) any live lesson. One function, so the rule is tested apart from the socket plumbing. The
// credentials are checked by the same functions as HTTP's, so failed console logins and device tokens are limited
// per address (and console logins per lesson) exactly as there.
import type { LiveRole } from '../../../../src/shared/live-protocol.ts';
import { authenticateAdmin, authenticateDevice } from '../../org/auth-guards.ts';
import type { HubContext } from '../../../core/http/hub-context.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { getClassroom } from '../../org/org-repo.ts';
import { isLessonForClassroom } from '../../timetable/timetable-repo.ts';

/** deviceId: the classroom device joining (null for the lead console), whose share of sockets and cameras it uses. */
export type JoinGrant = { role: LiveRole; classroomName: string; lessonTitle: string; deviceId: string | null };

export async function authoriseJoin(ctx: HubContext, request: { lessonId: string; token: string; role: LiveRole }, address: string): Promise<JoinGrant> {
  const { db } = ctx;
  const lesson = await db.get<{ title: string; mode: string }>(`SELECT title, mode FROM lessons WHERE id = ?`, [request.lessonId]);
  if (request.role === 'console') {
    await authenticateAdmin(ctx, request.token, address, request.lessonId);
    if (!lesson) throw new HubError('not_found', `lesson ${request.lessonId}`);
    if (lesson.mode !== 'live') throw new HubError('bad_request', `lesson ${request.lessonId} is not a live lesson`);
    return { role: 'console', classroomName: '主讲教室', lessonTitle: lesson.title, deviceId: null };
  }
  const device = await authenticateDevice(ctx, request.token, address);
  // Same answer for "no such lesson" and "not yours": a device learns nothing about other classrooms' lessons.
  if (!lesson || !(await isLessonForClassroom(db, request.lessonId, device.classroom_id))) {
    throw new HubError('forbidden', `lesson ${request.lessonId} is not on this classroom's timetable`);
  }
  if (lesson.mode !== 'live') throw new HubError('bad_request', `lesson ${request.lessonId} is not a live lesson`);
  const place = await getClassroom(db, device.classroom_id);
  const classroomName = place ? `${place.school.name} ${place.classroom.name}` : device.classroom_id;
  return { role: 'viewer', classroomName, lessonTitle: lesson.title, deviceId: device.id };
}
