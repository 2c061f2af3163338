import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UpdateChannel, UpdateStatus } from '../../../shared/update-protocol.ts';
import { desktop } from '../../desktop/desktop.ts';
import { formatDateTime } from '../timetable/lesson-time.ts';
import { UpdateWindowsForm } from './update-windows-form.tsx';

export function UpdateSection({ status, onStatus }: { status: UpdateStatus | null; onStatus: (s: UpdateStatus) => void }) {
  const { t, i18n } = useTranslation();
  const [message, setMessage] = useState<string | null>(null);
  if (!status) return null;
  const version = status.availableVersion ?? '';
  const unsupported = status.phase === 'unsupported';

  async function fromFolder() {
    const result = await desktop().update.fromFolder({ path: null });
    setMessage(result.ok ? t('admin.folderOk', { version: result.version }) : t('admin.folderRefused', { reason: result.reason, detail: result.detail }));
  }

  return (
    <section aria-labelledby="admin-update">
      <h2 id="admin-update">{t('admin.update')}</h2>
      <p className="admin-result" data-testid="update-phase">
        {t(`admin.phase.${status.phase}`, { version })}
      </p>
      {status.waitingFor && <p className="admin-note muted">{t(`admin.waiting.${status.waitingFor}`)}</p>}
      {status.error && <p className="error">{status.error}</p>}
      <dl>
        <dt>{t('admin.lastCheck')}</dt>
        <dd>{status.lastCheckAt ? formatDateTime(new Date(status.lastCheckAt), i18n.language) : t('admin.neverChecked')}</dd>
      </dl>
      <div className="admin-actions">
        <label>
          {t('admin.channel')}{' '}
          <select
            value={status.channel}
            disabled={unsupported}
            onChange={(e) => void desktop().update.setChannel({ channel: e.target.value as UpdateChannel }).then(onStatus)}
          >
            <option value="latest">{t('admin.channels.latest')}</option>
            <option value="beta">{t('admin.channels.beta')}</option>
          </select>
        </label>
        <button type="button" className="secondary" disabled={unsupported} onClick={() => void desktop().update.check().then(onStatus)}>
          {t('admin.checkNow')}
        </button>
        <button type="button" className="secondary" disabled={unsupported} onClick={() => void fromFolder()}>
          {t('admin.fromFolder')}
        </button>
      </div>
      <UpdateWindowsForm windows={status.windows} disabled={unsupported} onStatus={onStatus} />
      {message && <p className="admin-note">{message}</p>}
    </section>
  );
}
