import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import type { AppDb } from '../../db/app-db.ts';
import { lessonContent } from '../../db/content-repo.ts';
import { navigate, useRoute } from '../../stores/route-store.ts';
import { formatDate, slotLabel } from '../timetable/lesson-time.ts';
import { ModeBadge } from '../timetable/mode-badge.tsx';
import { useNow } from '../timetable/use-now.ts';
import { clock } from './format.ts';
import { reviewOrder, type ReviewCandidate } from './review-items.ts';

type ReviewItem = ReviewCandidate & { position: number | null };

/** Every lesson with a fully cached pack, whether that pack is its recording, and where the student last stopped. */
async function cachedLessons(db: AppDb): Promise<ReviewItem[]> {
  const lessonIds = [...new Set((await db.lessonPacks.toArray()).map((l) => l.lessonId))];
  const positions = await db.playback.toArray();
  const items: ReviewItem[] = [];
  for (const lesson of await db.lessons.bulkGet(lessonIds)) {
    if (!lesson) continue;
    const complete = (await lessonContent(db, lesson.id)).filter(({ files }) => files.every(({ row }) => row?.state === 'complete'));
    const last = positions.filter((p) => p.key.startsWith(`${lesson.id}:`)).sort((a, b) => b.updatedAt - a.updatedAt)[0];
    items.push({
      lesson,
      cachedRecording: complete.some(({ pack }) => pack.kind === 'recording'),
      cachedAnything: complete.length > 0,
      position: last ? last.position : null,
    });
  }
  return items;
}

/**
 * 复习, made for students: the lessons already taught (newest first) and cached recordings, each with its date, by
 * subject; no downloads, pins or exports here (those are IT's, on 管理员). Works with no network at all.
 */
export function ReviewScreen() {
  const { t, i18n } = useTranslation();
  const { db, studentMode } = useApp();
  const locked = useRoute((r) => r.studentMode);
  const now = useNow();
  const all = useLiveQuery(() => cachedLessons(db), [db]);
  const items = all && reviewOrder(all, now);
  const [subject, setSubject] = useState<string | null>(null);
  const subjects = [...new Set(items?.map((i) => i.lesson.subject))];
  const shown = items?.filter((i) => subject === null || i.lesson.subject === subject);
  const weekdays = t('weekday', { returnObjects: true }) as string[];
  return (
    <main className="review-screen">
      <div className="lesson-header">
        {/* In 学生模式 the way back is to 学生练习: the timetable is the teacher's. */}
        <button type="button" className="secondary" onClick={() => navigate(locked ? { screen: 'practice' } : { screen: 'timetable' })}>
          ← {t('content.back')}
        </button>
        <h1>{t('content.reviewTitle')}</h1>
        <button type="button" className="primary practice-entry" data-testid="practice-entry" onClick={() => void studentMode.handOver()}>
          {t('practice.entry')}
        </button>
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
        {shown?.map(({ lesson, position, cachedRecording }) => {
          const starts = new Date(lesson.startsAt);
          const open = () => navigate({ screen: 'content', lessonId: lesson.id, back: 'review', ...(cachedRecording ? { kind: 'recording' as const } : {}) });
          return (
            <li
              key={lesson.id}
              className={`lesson-card${starts > now ? ' phase-upcoming' : ''}`}
              data-testid="review-item"
              data-lesson-id={lesson.id}
              role="button"
              tabIndex={0}
              onClick={open}
              onKeyDown={(e) => e.key === 'Enter' && open()}
            >
              <div className="lesson-time">
                <span className="review-date" data-testid="review-date">
                  {formatDate(starts, i18n.language)} {weekdays[starts.getDay()] ?? ''}
                </span>
                <span className="clock">{slotLabel(lesson, i18n.language)}</span>
              </div>
              <div className="lesson-main">
                <div className="lesson-subject">
                  <strong>{lesson.subject}</strong>
                  <ModeBadge mode={lesson.mode} />
                </div>
                <div className="lesson-title">{lesson.title}</div>
                <div className="muted">{cachedRecording ? t('content.reviewRecording') : t('content.reviewPackOnly')}</div>
              </div>
              <div className="lesson-readiness">{position !== null && t('content.lastPosition', { time: clock(position) })}</div>
            </li>
          );
        })}
      </ol>
    </main>
  );
}
