import { useTranslation } from 'react-i18next';
import type { ContentFile } from '../../../shared/content-protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { contentCommands } from '../../app/content-controller.ts';
import { requeueFile } from '../../db/content-repo.ts';
import type { ContentFileRow } from '../../db/content-rows.ts';
import { useDownloads } from '../../stores/downloads-store.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { clock, fileKind } from './format.ts';

/** One file of a pack: name, a progress bar with MB done/total and time left, and 打开 once it is cached. */
export function FileRow({ file, row, onOpen, selected }: { file: ContentFile; row: ContentFileRow | undefined; onOpen: () => void; selected: boolean }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const current = useDownloads((s) => (s.current?.sha256 === file.sha256 ? s.current : null));
  const complete = row?.state === 'complete';
  const done = complete ? file.size : Math.max(row?.doneBytes ?? 0, current?.doneBytes ?? 0);
  const percent = file.size ? Math.floor((done / file.size) * 100) : 100;
  return (
    <li className={`file-row${selected ? ' selected' : ''}`} data-testid="content-file" data-state={row?.state ?? 'unknown'}>
      <div className="file-name">
        <strong>{file.path}</strong>
        <span className="muted" data-testid="file-kind">{t(`content.fileKind.${fileKind(file.mime)}`)}</span>
      </div>
      <div className="file-progress">
        <progress max={100} value={percent} aria-label={file.path} />
        <span className="muted">
          {complete ? t('content.ready') : t('content.progress', { done: formatBytes(done), total: formatBytes(file.size) })}
          {current && !complete && ' · '}
          {current && !complete && (current.secondsLeft === null ? t('content.etaUnknown') : t('content.eta', { time: clock(current.secondsLeft) }))}
        </span>
      </div>
      {row?.state === 'evicted' ? (
        // Deleted to make room earlier: fetch it again on request.
        <button type="button" className="secondary" onClick={() => void requeueFile(db, file.sha256).then(() => contentCommands.downloadNow())}>
          {t('content.downloadAgain')}
        </button>
      ) : (
        <button type="button" className="primary" disabled={!complete} onClick={onOpen}>
          {t('content.open')}
        </button>
      )}
    </li>
  );
}
