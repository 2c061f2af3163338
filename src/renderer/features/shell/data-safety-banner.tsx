import { useTranslation } from 'react-i18next';
import { useDataSafety } from '../../stores/data-safety-store.ts';

/** Says so while the backups cannot be read: the database is kept as it is, and the check runs again every minute. */
export function DataSafetyBanner() {
  const { t } = useTranslation();
  const { backup, reason } = useDataSafety();
  if (backup !== 'unverified') return null;
  return (
    <div className="banner" role="alert" data-testid="backup-unverified">
      <span>{t('shell.backupUnverified', { reason: reason ?? '' })}</span>
    </div>
  );
}
