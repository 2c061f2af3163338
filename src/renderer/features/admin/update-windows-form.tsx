import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { UpdateStatus, UpdateWindows } from '../../../shared/update-protocol.ts';
import { desktop } from '../../desktop/desktop.ts';

/** IT sets when updates may download (e.g. nights only) and when a downloaded one may install while the app runs. */
export function UpdateWindowsForm({ windows, disabled, onStatus }: { windows: UpdateWindows; disabled: boolean; onStatus: (s: UpdateStatus) => void }) {
  const { t } = useTranslation();
  const [anyTime, setAnyTime] = useState(windows.download === null);
  const [download, setDownload] = useState(windows.download ?? { start: '22:00', end: '06:00' });
  const [quiet, setQuiet] = useState(windows.quiet);
  const [saved, setSaved] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    onStatus(await desktop().update.setWindows({ download: anyTime ? null : download, quiet }));
    setSaved(true);
  }

  return (
    <form className="admin-actions" onSubmit={(e) => void save(e)}>
      <fieldset disabled={disabled} className="admin-windows">
        <label>
          <input type="checkbox" checked={anyTime} onChange={(e) => setAnyTime(e.target.checked)} /> {t('admin.downloadAnyTime')}
        </label>
        {!anyTime && (
          <label>
            {t('admin.downloadWindow')} <input type="time" value={download.start} onChange={(e) => setDownload({ ...download, start: e.target.value })} required />–
            <input type="time" value={download.end} onChange={(e) => setDownload({ ...download, end: e.target.value })} required />
          </label>
        )}
        <label>
          {t('admin.quietWindow')} <input type="time" value={quiet.start} onChange={(e) => setQuiet({ ...quiet, start: e.target.value })} required />–
          <input type="time" value={quiet.end} onChange={(e) => setQuiet({ ...quiet, end: e.target.value })} required />
        </label>
        <button type="submit" className="secondary">
          {t('admin.saveWindows')}
        </button>
        {saved && <span className="muted">{t('admin.windowsSaved')}</span>}
      </fieldset>
    </form>
  );
}
