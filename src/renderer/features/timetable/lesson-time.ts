// Calendar maths for the timetable, in the PC's local time zone (classroom PCs in Sichuan run on China time).
export const DAY_MS = 24 * 60 * 60 * 1000;

export function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days);
}

/** Monday 00:00 of the week containing d (Chinese school weeks start on Monday). */
export function startOfWeek(d: Date): Date {
  const day = startOfDay(d);
  const sinceMonday = (day.getDay() + 6) % 7;
  return addDays(day, -sinceMonday);
}

export function formatClock(d: Date, language: string): string {
  // hourCycle h23, not hour12: false, which renders midnight as "24:05" in English locales.
  return d.toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

export function formatDate(d: Date, language: string): string {
  return d.toLocaleDateString(language, { month: 'numeric', day: 'numeric' });
}

export type LessonPhase = 'done' | 'now' | 'upcoming';

export function lessonPhase(lesson: { startsAt: string; endsAt: string }, now: Date): LessonPhase {
  if (now.getTime() >= new Date(lesson.endsAt).getTime()) return 'done';
  if (now.getTime() >= new Date(lesson.startsAt).getTime()) return 'now';
  return 'upcoming';
}

/** "08:00–08:45": the row a lesson belongs to in the week grid. */
export function slotLabel(lesson: { startsAt: string; endsAt: string }, language: string): string {
  return `${formatClock(new Date(lesson.startsAt), language)}–${formatClock(new Date(lesson.endsAt), language)}`;
}

/** "2026/11/30 21:05": a date and a 24-hour time, in the app's language (never the OS's AM/PM). */
export function formatDateTime(d: Date, language: string): string {
  return d.toLocaleString(language, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}
