import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FolderReleaseResult, ReleaseRefusal, UpdateChannel, UpdateStatus } from '../../../shared/update-protocol.ts';
import { desktop } from '../../desktop/desktop.ts';
import { formatDateTime } from '../timetable/lesson-time.ts';
import { UpdateWindowsForm } from './update-windows-form.tsx';

export function UpdateSection({ status, onStatus }: { status: UpdateStatus | null; onStatus: (s: UpdateStatus) => void }) {
  const { t, i18n } = useTranslation();
  const [message, setMessage] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  if (!status) return null;
  const version = status.availableVersion ?? '';
  const unsupported = status.phase === 'unsupported';
  // Main verifies one folder at a time; the button says so while one runs (also after leaving and reopening the page).
  const verifying = picking || status.verifyingFolder;
  const reason = (r: ReleaseRefusal) => t(`admin.refusal.${r}`);

  async function fromFolder() {
    setPicking(true);
    setMessage(null);
    let result: FolderReleaseResult;
    try {
      result = await desktop().update.fromFolder({ path: null });
    } catch (error) {
      result = { ok: false, reason: 'read_error', detail: error instanceof Error ? error.message : String(error) };
    } finally {
      setPicking(false);
    }
    if (result.ok) setMessage(t('admin.folderOk', { version: result.version }));
    else if (result.reason !== 'cancelled') setMessage(t('admin.folderRefused', { reason: reason(result.reason), detail: result.detail }));
    void desktop().update.status().then(onStatus, () => undefined);
  }

  return (
    <section aria-labelledby="admin-update">
      <h2 id="admin-update">{t('admin.update')}</h2>
      <p className="admin-result" data-testid="update-phase">
        {t(`admin.phase.${status.phase}`, { version })}
      </p>
      {status.waitingFor && <p className="admin-note muted">{t(`admin.waiting.${status.waitingFor}`)}</p>}
      {status.refused && (
        <p className="error" role="alert" data-testid="update-refused">
          {t(status.refused.source === 'hub' ? 'admin.refusedHub' : 'admin.refusedFolder', { reason: reason(status.refused.reason) })}
          <span className="muted"> {status.refused.detail}</span>
        </p>
      )}
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
        <button type="button" className="secondary" disabled={unsupported || verifying} aria-busy={verifying} onClick={() => void fromFolder()} data-testid="update-from-folder">
          {verifying ? t('admin.verifyingFolder') : t('admin.fromFolder')}
        </button>
      </div>
      <UpdateWindowsForm windows={status.windows} disabled={unsupported} onStatus={onStatus} />
      {message && <p className="admin-note">{message}</p>}
    </section>
  );
}
