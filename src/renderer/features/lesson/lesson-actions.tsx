import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lesson } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { navigate } from '../../stores/route-store.ts';
import { useSession } from '../../stores/session-store.ts';
import { ContentActions } from '../content/content-actions.tsx';
import { warmUpLive } from '../live/live-warmup.ts';

/** From half an hour before a live lesson to its end, its page gets the live connection ready for the tap. */
const WARM_BEFORE_MS = 30 * 60_000;

/** The way into the lesson itself: 进入直播 for live lessons, 播放录播 / 预习包 for recorded ones (filled in by live/ and content). */
export function LessonActions({ lesson }: { lesson: Lesson }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const identity = useSession((s) => s.identity);
  useEffect(() => {
    const now = Date.now();
    const onNow = Date.parse(lesson.startsAt) - WARM_BEFORE_MS <= now && now <= Date.parse(lesson.endsAt);
    if (lesson.mode === 'live' && identity && onNow) warmUpLive({ identity, lessonId: lesson.id, db });
  }, [db, identity, lesson.id, lesson.mode, lesson.startsAt, lesson.endsAt]);
  return (
    <div className="lesson-actions" data-lesson-mode={lesson.mode}>
      {lesson.mode === 'live' && (
        <button type="button" className="primary live-enter" onClick={() => navigate({ screen: 'live', lessonId: lesson.id })}>
          ● {t('live.enter')}
        </button>
      )}
      <ContentActions lesson={lesson} />
    </div>
  );
}
