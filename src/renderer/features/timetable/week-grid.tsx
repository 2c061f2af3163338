import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import type { Lesson } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { lessonsBetween } from '../../db/timetable-repo.ts';
import { addDays, formatDate, slotLabel, startOfDay } from './lesson-time.ts';
import { ModeBadge } from './mode-badge.tsx';
import { navigate } from '../../stores/route-store.ts';

/** One column per school day (weekend columns only when they hold lessons), one row per time slot. */
export function WeekGrid({ weekStart, now }: { weekStart: Date; now: Date }) {
  const { t, i18n } = useTranslation();
  const { db } = useApp();
  const from = weekStart.getTime();
  const lessons = useLiveQuery(() => lessonsBetween(db, new Date(from), addDays(new Date(from), 7)), [db, from]);
  if (!lessons) return null;
  if (lessons.length === 0) return <p className="empty">{t('timetable.emptyWeek')}</p>;

  const days = Array.from({ length: 7 }, (_, i) => addDays(weekStart, i)).filter(
    (d, i) => i < 5 || lessons.some((l) => startOfDay(new Date(l.startsAt)).getTime() === d.getTime()),
  );
  const slots = [...new Set(lessons.map((l) => slotLabel(l, i18n.language)))].sort();
  const cell = new Map<string, Lesson>();
  for (const l of lessons) cell.set(`${startOfDay(new Date(l.startsAt)).getTime()}|${slotLabel(l, i18n.language)}`, l);
  const today = startOfDay(now).getTime();
  const weekdays = t('weekday', { returnObjects: true }) as string[];

  return (
    <table className="week-grid" data-testid="week-grid">
      <thead>
        <tr>
          <th>{t('timetable.time')}</th>
          {days.map((d) => (
            <th key={d.getTime()} className={d.getTime() === today ? 'is-today' : undefined}>
              {weekdays[d.getDay()]} <span className="muted">{formatDate(d, i18n.language)}</span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {slots.map((slot) => (
          <tr key={slot}>
            <th className="slot">{slot}</th>
            {days.map((d) => {
              const lesson = cell.get(`${d.getTime()}|${slot}`);
              return (
                <td key={d.getTime()} className={d.getTime() === today ? 'is-today' : undefined}>
                  {lesson && (
                    <div
                      className="week-cell"
                      role="button"
                      tabIndex={0}
                      title={`${lesson.title} · ${lesson.leadSchoolName} · ${lesson.teacherName}`}
                      onClick={() => navigate({ screen: 'lesson', lessonId: lesson.id })}
                      onKeyDown={(e) => e.key === 'Enter' && navigate({ screen: 'lesson', lessonId: lesson.id })}
                    >
                      <strong>{lesson.subject}</strong>
                      <ModeBadge mode={lesson.mode} />
                      <span className="muted small">{lesson.teacherName}</span>
                    </div>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
