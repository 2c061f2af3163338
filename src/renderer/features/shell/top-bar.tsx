import { useTranslation } from 'react-i18next';
import type { DeviceIdentity } from '../../../shared/ipc.ts';
import { useApp } from '../../app/app-context.tsx';
import { navigate, useRoute } from '../../stores/route-store.ts';
import { useSyncStatus } from '../../stores/sync-status-store.ts';
import { LanguageToggle } from './language-toggle.tsx';
import { StudentModeBadge } from './student-mode-badge.tsx';
import { SyncStatusBadge } from './sync-status-badge.tsx';

export function TopBar({ identity }: { identity: DeviceIdentity }) {
  const { t } = useTranslation();
  const { session } = useApp();
  const phase = useSyncStatus((s) => s.phase);
  const lastError = useSyncStatus((s) => s.lastError);
  const studentMode = useRoute((s) => s.studentMode);
  return (
    <>
      <header className="top-bar">
        <div className="brand">
          <strong>{t('app.title')}</strong>
          <span className="muted">{t('shell.school', { school: identity.school.name, classroom: identity.classroom.name })}</span>
        </div>
        <div className="top-actions">
          <SyncStatusBadge />
          <LanguageToggle />
          {studentMode ? (
            <StudentModeBadge />
          ) : (
            <button type="button" className="secondary small" onClick={() => navigate({ screen: 'admin' })}>
              {t('admin.open')}
            </button>
          )}
        </div>
      </header>
      {(phase === 'revoked' || phase === 'error') && lastError && (
        <div className="banner" role="alert">
          <span>{t(`errors.${lastError.code}`, { detail: lastError.detail })}</span>
          {phase === 'revoked' && !studentMode && (
            <button type="button" className="primary small" onClick={() => session.openEnrollment(true)}>
              {t('shell.reenroll')}
            </button>
          )}
        </div>
      )}
    </>
  );
}
