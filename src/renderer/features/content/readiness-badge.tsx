import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { readinessOf } from '../../db/content-repo.ts';

/** 已缓存 / 下载中 42% / 待缓存 for one lesson, live from IndexedDB. */
export function ReadinessBadge({ lessonId }: { lessonId: string }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const readiness = useLiveQuery(async () => (await readinessOf(db, [lessonId])).get(lessonId), [db, lessonId]);
  if (!readiness) return null;
  const percent = readiness.totalBytes ? Math.floor((readiness.doneBytes / readiness.totalBytes) * 100) : 0;
  const text =
    readiness.state === 'ready'
      ? t('content.ready')
      : readiness.state === 'downloading'
        ? t('content.downloading', { percent })
        : readiness.state === 'pending'
          ? t('content.pending')
          : t('content.noContent');
  return (
    <span className={`readiness readiness-${readiness.state}`} data-testid="readiness" data-state={readiness.state}>
      {text}
    </span>
  );
}
