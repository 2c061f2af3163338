// Who may join which live lesson: a device only a live lesson on its own classroom's timetable; the lead console (the
// hub's admin credential) any live lesson. One function, so the rule is tested apart from the socket plumbing.
import type { LiveRole } from '../../src/shared/live-protocol.ts';
import type { HubDatabase } from '../db/open-database.ts';
import { HubError } from '../http/hub-error.ts';
import { findDeviceByTokenHash, getClassroom, touchDevice } from '../org/org-repo.ts';
import { hashToken, sameSecret } from '../org/tokens.ts';
import { isLessonForClassroom } from '../timetable/timetable-repo.ts';

export type JoinGrant = { role: LiveRole; classroomName: string; lessonTitle: string };

export function authoriseJoin(
  db: HubDatabase,
  adminToken: string,
  request: { lessonId: string; token: string; role: LiveRole },
  now: Date,
): JoinGrant {
  const lesson = db.prepare(`SELECT title, mode FROM lessons WHERE id = ?`).get(request.lessonId) as { title: string; mode: string } | undefined;
  if (request.role === 'console') {
    if (!sameSecret(request.token, adminToken)) throw new HubError('unauthorized', 'console credential required');
    if (!lesson) throw new HubError('not_found', `lesson ${request.lessonId}`);
    if (lesson.mode !== 'live') throw new HubError('bad_request', `lesson ${request.lessonId} is not a live lesson`);
    return { role: 'console', classroomName: '主讲教室', lessonTitle: lesson.title };
  }
  const device = findDeviceByTokenHash(db, hashToken(request.token));
  if (!device) throw new HubError('unauthorized', 'unknown device token');
  if (device.revoked_at) throw new HubError('device_revoked', 'this device was revoked by the hub administrator');
  // Same answer for "no such lesson" and "not yours": a device learns nothing about other classrooms' lessons.
  if (!lesson || !isLessonForClassroom(db, request.lessonId, device.classroom_id)) {
    throw new HubError('forbidden', `lesson ${request.lessonId} is not on this classroom's timetable`);
  }
  if (lesson.mode !== 'live') throw new HubError('bad_request', `lesson ${request.lessonId} is not a live lesson`);
  touchDevice(db, device.id, now);
  const place = getClassroom(db, device.classroom_id);
  const classroomName = place ? `${place.school.name} ${place.classroom.name}` : device.classroom_id;
  return { role: 'viewer', classroomName, lessonTitle: lesson.title };
}
