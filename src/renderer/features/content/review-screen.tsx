import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lesson } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import type { AppDb } from '../../db/app-db.ts';
import { readinessOf } from '../../db/content-repo.ts';
import { navigate } from '../../stores/route-store.ts';
import { slotLabel } from '../timetable/lesson-time.ts';
import { ModeBadge } from '../timetable/mode-badge.tsx';
import { clock } from './format.ts';
import { ImportPanel } from './import-panel.tsx';

type ReviewItem = { lesson: Lesson; position: number | null };

/** Lessons whose content is fully cached, newest first, with where the student last stopped. No network needed. */
async function cachedLessons(db: AppDb): Promise<ReviewItem[]> {
  const lessonIds = [...new Set((await db.lessonPacks.toArray()).map((l) => l.lessonId))];
  const readiness = await readinessOf(db, lessonIds);
  const lessons = (await db.lessons.bulkGet(lessonIds.filter((id) => readiness.get(id)?.state === 'ready'))).filter((l): l is Lesson => !!l);
  const positions = await db.playback.toArray();
  return lessons
    .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
    .map((lesson) => {
      const last = positions.filter((p) => p.key.startsWith(`${lesson.id}:`)).sort((a, b) => b.updatedAt - a.updatedAt)[0];
      return { lesson, position: last ? last.position : null };
    });
}

export function ReviewScreen() {
  const { t, i18n } = useTranslation();
  const { db } = useApp();
  const items = useLiveQuery(() => cachedLessons(db), [db]);
  const [subject, setSubject] = useState<string | null>(null);
  const subjects = [...new Set(items?.map((i) => i.lesson.subject))];
  const shown = items?.filter((i) => subject === null || i.lesson.subject === subject);
  return (
    <main className="review-screen">
      <div className="lesson-header">
        <button type="button" className="secondary" onClick={() => navigate({ screen: 'timetable' })}>
          ← {t('content.back')}
        </button>
        <h1>{t('content.reviewTitle')}</h1>
        <ImportPanel />
      </div>
      <nav className="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={subject === null} onClick={() => setSubject(null)}>
          {t('content.allSubjects')}
        </button>
        {subjects.map((s) => (
          <button key={s} type="button" role="tab" aria-selected={subject === s} onClick={() => setSubject(s)}>
            {s}
          </button>
        ))}
      </nav>
      {shown?.length === 0 && <p className="empty">{t('content.reviewEmpty')}</p>}
      <ol className="today-list" data-testid="review-list">
        {shown?.map(({ lesson, position }) => (
          <li key={lesson.id} className="lesson-card" data-testid="review-item" role="button" tabIndex={0} onClick={() => navigate({ screen: 'content', lessonId: lesson.id, back: 'review' })}>
            <div className="lesson-time">
              <span className="clock">{slotLabel(lesson, i18n.language)}</span>
            </div>
            <div className="lesson-main">
              <div className="lesson-subject">
                <strong>{lesson.subject}</strong>
                <ModeBadge mode={lesson.mode} />
              </div>
              <div className="lesson-title">{lesson.title}</div>
            </div>
            <div className="lesson-readiness">{position !== null && t('content.lastPosition', { time: clock(position) })}</div>
          </li>
        ))}
      </ol>
    </main>
  );
}
