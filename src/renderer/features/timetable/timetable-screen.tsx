import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { navigate } from '../../stores/route-store.ts';
import { addDays, formatDate, startOfWeek } from './lesson-time.ts';
import { TodayList } from './today-list.tsx';
import { useNow } from './use-now.ts';
import { WeekGrid } from './week-grid.tsx';

type Tab = 'today' | 'week';

export function TimetableScreen() {
  const { t, i18n } = useTranslation();
  const { db } = useApp();
  const now = useNow();
  const [tab, setTab] = useState<Tab>('today');
  const [weekOffset, setWeekOffset] = useState(0);
  const lessonCount = useLiveQuery(() => db.lessons.count(), [db]);
  const weekStart = addDays(startOfWeek(now), weekOffset * 7);
  const weekdays = t('weekday', { returnObjects: true }) as string[];

  return (
    <main className="timetable">
      <nav className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'today'} onClick={() => setTab('today')}>
          {t('timetable.today')}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'week'} onClick={() => setTab('week')}>
          {t('timetable.week')}
        </button>
        <button type="button" role="tab" aria-selected={false} onClick={() => navigate({ screen: 'review' })}>
          {t('content.review')}
        </button>
        <span className="tab-date muted">
          {tab === 'today'
            ? `${formatDate(now, i18n.language)} ${weekdays[now.getDay()] ?? ''}`
            : `${formatDate(weekStart, i18n.language)} – ${formatDate(addDays(weekStart, 6), i18n.language)}`}
        </span>
        {tab === 'week' && (
          <span className="week-nav">
            <button type="button" className="secondary small" onClick={() => setWeekOffset((w) => w - 1)}>
              {t('timetable.prevWeek')}
            </button>
            {weekOffset !== 0 && (
              <button type="button" className="secondary small" onClick={() => setWeekOffset(0)}>
                {t('timetable.thisWeek')}
              </button>
            )}
            <button type="button" className="secondary small" onClick={() => setWeekOffset((w) => w + 1)}>
              {t('timetable.nextWeek')}
            </button>
          </span>
        )}
      </nav>
      {lessonCount === 0 ? (
        <p className="empty">{t('timetable.noData')}</p>
      ) : tab === 'today' ? (
        <TodayList now={now} />
      ) : (
        <WeekGrid weekStart={weekStart} now={now} />
      )}
    </main>
  );
}
