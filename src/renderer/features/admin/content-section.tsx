import { useLiveQuery } from 'dexie-react-hooks';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { contentCommands } from '../../app/content-controller.ts';
import { getDownloadHours } from '../../db/content-settings.ts';
import { useDownloads } from '../../stores/downloads-store.ts';
import { packListProblemOf } from '../content/download-status-line.tsx';
import { hoursText } from '../content/format.ts';
import { ImportPanel } from '../content/import-panel.tsx';
import { PackAdminRow } from './pack-admin-row.tsx';

const NIGHT = { start: 22 * 60, end: 6 * 60 };

/**
 * School IT's content controls, moved here from the screens teachers and students use: download hours, 立即下载,
 * 固定保留 and 导出 per pack, and USB / LAN import.
 */
export function ContentSection() {
  const { t } = useTranslation();
  const { db } = useApp();
  const hours = useLiveQuery(() => getDownloadHours(db), [db]);
  const packs = useLiveQuery(() => db.packs.toArray(), [db]);
  const phase = useDownloads((s) => s.phase);
  const problem = packListProblemOf(useDownloads((s) => s.lastError));
  return (
    <section aria-labelledby="admin-content" className="admin-wide">
      <h2 id="admin-content">{t('admin.content')}</h2>
      <p className="admin-result" data-testid="admin-download-phase">
        {t(`content.phase.${phase}`, { hours: hours ? hoursText(hours) : '' })}
      </p>
      {problem && <p role="alert">{t(`content.packListProblem.${problem}`)}</p>}
      <div className="admin-actions">
        <label className="check">
          <input type="checkbox" checked={hours != null} onChange={(e) => void contentCommands.setHours(db, e.currentTarget.checked ? NIGHT : null)} />
          {t('content.nightOnly', { hours: hoursText(NIGHT) })}
        </label>
        <button type="button" className="secondary" onClick={() => contentCommands.downloadNow()}>
          {t('content.downloadNow')}
        </button>
        <ImportPanel />
      </div>
      <ul className="admin-packs" data-testid="admin-packs">
        {packs?.map((row) => (
          <PackAdminRow key={row.id} row={row} />
        ))}
      </ul>
    </section>
  );
}
