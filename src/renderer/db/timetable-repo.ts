// Reads of the cached timetable and roster for the screens.
import type { Lesson, Student } from '../../shared/protocol.ts';
import type { AppDb } from './app-db.ts';

/** Lessons whose start lies in [from, to), ordered by start time. */
export function lessonsBetween(db: AppDb, from: Date, to: Date): Promise<Lesson[]> {
  return db.lessons.where('startsAt').between(from.toISOString(), to.toISOString(), true, false).sortBy('startsAt');
}

export function rosterOf(db: AppDb, classroomId: string): Promise<Student[]> {
  return db.students.where('classroomId').equals(classroomId).sortBy('number');
}
