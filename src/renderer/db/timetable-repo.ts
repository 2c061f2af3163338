// Reads of the cached timetable and roster for the screens.
import type { Lesson, Student } from '../../shared/protocol.ts';
import type { AppDb } from './app-db.ts';

/** Lessons whose start lies in [from, to), ordered by start time. */
export function lessonsBetween(db: AppDb, from: Date, to: Date): Promise<Lesson[]> {
  return db.lessons.where('startsAt').between(from.toISOString(), to.toISOString(), true, false).sortBy('startsAt');
}

/** Lessons on air at any moment of [from, to): those that started before `from` (within a day) and still run are
 * included, so a lesson that began before midnight still shows on today's list while it is on. */
export async function lessonsOverlapping(db: AppDb, from: Date, to: Date): Promise<Lesson[]> {
  const earlier = new Date(from.getTime() - 24 * 3_600_000);
  const lessons = await lessonsBetween(db, earlier, to);
  return lessons.filter((l) => new Date(l.startsAt) >= from || new Date(l.endsAt) > from);
}

export function rosterOf(db: AppDb, classroomId: string): Promise<Student[]> {
  return db.students.where('classroomId').equals(classroomId).sortBy('number');
}
