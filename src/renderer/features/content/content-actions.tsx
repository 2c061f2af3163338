import { useTranslation } from 'react-i18next';
import type { Lesson } from '../../../shared/protocol.ts';
import { navigate } from '../../stores/route-store.ts';
import { ReadinessBadge } from './readiness-badge.tsx';

/** 播放录播 (recorded lessons) and 预习包 (every lesson), with the lesson's readiness. */
export function ContentActions({ lesson }: { lesson: Lesson }) {
  const { t } = useTranslation();
  return (
    <>
      <ReadinessBadge lessonId={lesson.id} />
      {lesson.mode === 'recorded' && (
        <button type="button" className="primary" onClick={() => navigate({ screen: 'content', lessonId: lesson.id, kind: 'recording' })}>
          {t('content.play')}
        </button>
      )}
      <button type="button" className="secondary" onClick={() => navigate({ screen: 'content', lessonId: lesson.id, kind: 'preview' })}>
        {t('content.pack')}
      </button>
    </>
  );
}
