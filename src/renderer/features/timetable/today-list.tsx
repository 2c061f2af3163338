import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { navigate } from '../../stores/route-store.ts';
import { lessonsOverlapping } from '../../db/timetable-repo.ts';
import { addDays, lessonPhase, slotLabel, startOfDay } from './lesson-time.ts';
import { ModeBadge } from './mode-badge.tsx';
import { ReadinessBadge } from '../content/readiness-badge.tsx';

export function TodayList({ now }: { now: Date }) {
  const { t, i18n } = useTranslation();
  const { db } = useApp();
  const day = startOfDay(now).getTime();
  const lessons = useLiveQuery(() => lessonsOverlapping(db, new Date(day), addDays(new Date(day), 1)), [db, day]);
  if (!lessons) return null;
  if (lessons.length === 0) return <p className="empty">{t('timetable.empty')}</p>;
  const nextId = lessons.find((l) => lessonPhase(l, now) === 'upcoming')?.id;
  return (
    <ol className="today-list" data-testid="today-list">
      {lessons.map((lesson) => {
        const phase = lessonPhase(lesson, now);
        return (
          <li
            key={lesson.id}
            className={`lesson-card phase-${phase}`}
            data-testid="lesson"
            role="button"
            tabIndex={0}
            onClick={() => navigate({ screen: 'lesson', lessonId: lesson.id })}
            onKeyDown={(e) => e.key === 'Enter' && navigate({ screen: 'lesson', lessonId: lesson.id })}
          >
            <div className="lesson-time">
              <span className="clock">{slotLabel(lesson, i18n.language)}</span>
              {phase === 'now' && <span className="tag tag-now">{t('timetable.now')}</span>}
              {lesson.id === nextId && <span className="tag tag-next">{t('timetable.next')}</span>}
              {phase === 'done' && <span className="tag tag-done">{t('timetable.done')}</span>}
            </div>
            <div className="lesson-main">
              <div className="lesson-subject">
                <strong>{lesson.subject}</strong>
                <ModeBadge mode={lesson.mode} />
              </div>
              <div className="lesson-title">{lesson.title}</div>
              <div className="muted">
                {lesson.leadSchoolName} · {lesson.teacherName}
              </div>
            </div>
            <div className="lesson-readiness" title={t('timetable.readiness')}>
              <ReadinessBadge lessonId={lesson.id} />
            </div>
          </li>
        );
      })}
    </ol>
  );
}
