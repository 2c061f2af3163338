import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HubCertStatus } from '../../../shared/ipc.ts';
import { desktop } from '../../desktop/desktop.ts';

/** The https hub's pinned certificate fingerprint, and the last connection refused because another one answered. */
export function CertPinNote() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<HubCertStatus | null>(null);
  useEffect(() => {
    let alive = true;
    void desktop()
      .hub.certStatus()
      .then((s) => alive && setStatus(s), () => undefined);
    return () => {
      alive = false;
    };
  }, []);
  if (!status?.pinned && !status?.lastRefusal) return null;
  return (
    <>
      {status.pinned && (
        <p className="admin-note muted" data-testid="cert-pinned">
          {t('admin.certPinned', { fingerprint: status.pinned })}
        </p>
      )}
      {status.lastRefusal && (
        <p className="error" role="alert">
          {t('admin.certRefused', { host: status.lastRefusal.host, presented: status.lastRefusal.presented, at: new Date(status.lastRefusal.at).toLocaleString('zh-CN', { hour12: false }) })}
        </p>
      )}
    </>
  );
}
