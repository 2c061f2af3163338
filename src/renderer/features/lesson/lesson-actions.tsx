import { useTranslation } from 'react-i18next';
import type { Lesson } from '../../../shared/protocol.ts';
import { navigate } from '../../stores/route-store.ts';
import { ContentActions } from '../content/content-actions.tsx';

/** The way into the lesson itself: 进入直播 for live lessons, 播放录播 / 预习包 for recorded ones (filled in by live/ and content). */
export function LessonActions({ lesson }: { lesson: Lesson }) {
  const { t } = useTranslation();
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
