import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { UpdateStatus, UpdateWindows } from '../../../shared/update-protocol.ts';
import { desktop } from '../../desktop/desktop.ts';
import { TimeOfDaySelect } from './time-of-day-select.tsx';

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
        <label className="check">
          <input type="checkbox" checked={anyTime} onChange={(e) => setAnyTime(e.target.checked)} /> {t('admin.downloadAnyTime')}
        </label>
        {!anyTime && (
          <span className="time-range">
            {t('admin.downloadWindow')}
            <TimeOfDaySelect label={t('admin.downloadWindowStart')} value={download.start} onChange={(start) => setDownload({ ...download, start })} />–
            <TimeOfDaySelect label={t('admin.downloadWindowEnd')} value={download.end} onChange={(end) => setDownload({ ...download, end })} />
          </span>
        )}
        <span className="time-range">
          {t('admin.quietWindow')}
          <TimeOfDaySelect label={t('admin.quietWindowStart')} value={quiet.start} onChange={(start) => setQuiet({ ...quiet, start })} />–
          <TimeOfDaySelect label={t('admin.quietWindowEnd')} value={quiet.end} onChange={(end) => setQuiet({ ...quiet, end })} />
        </span>
        <button type="submit" className="secondary">
          {t('admin.saveWindows')}
        </button>
        {saved && <span className="muted">{t('admin.windowsSaved')}</span>}
      </fieldset>
    </form>
  );
}
