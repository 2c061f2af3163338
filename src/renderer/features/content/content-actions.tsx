import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import type { Lesson } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { lessonContent } from '../../db/content-repo.ts';
import { navigate } from '../../stores/route-store.ts';
import { ReadinessBadge } from './readiness-badge.tsx';

/** 播放录播 and 预习包, each only when the lesson has one (packs go to the lessons of their subject), with readiness. */
export function ContentActions({ lesson }: { lesson: Lesson }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const kinds = useLiveQuery(async () => new Set((await lessonContent(db, lesson.id)).map((c) => c.pack.kind)), [db, lesson.id]);
  if (!kinds || kinds.size === 0) return null;
  return (
    <>
      <ReadinessBadge lessonId={lesson.id} />
      {kinds.has('recording') && (
        <button type="button" className="primary" onClick={() => navigate({ screen: 'content', lessonId: lesson.id, kind: 'recording' })}>
          {t('content.play')}
        </button>
      )}
      {kinds.has('preview') && (
        <button type="button" className="secondary" onClick={() => navigate({ screen: 'content', lessonId: lesson.id, kind: 'preview' })}>
          {t('content.pack')}
        </button>
      )}
    </>
  );
}
