import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../../shared/ipc.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { useApp } from '../../app/app-context.tsx';
import { desktop } from '../../desktop/desktop.ts';
import { navigate } from '../../stores/route-store.ts';
import { formatDateTime } from '../timetable/lesson-time.ts';
import { useSession } from '../../stores/session-store.ts';
import { useSyncStatus } from '../../stores/sync-status-store.ts';
import { CertPinNote } from './cert-pin-note.tsx';
import { ContentSection } from './content-section.tsx';
import { DisplaySection } from './display-section.tsx';
import { EdgeSection } from './edge-section.tsx';
import { exportDiagnostics } from './export-diagnostics.ts';
import type { NetworkTestResult } from './network-test.ts';
import { NetworkSection } from './network-section.tsx';
import { UpdateSection } from './update-section.tsx';
import { useUpdateStatus } from './use-update-status.ts';

export type StorageEstimate = { usage: number | null; quota: number | null };

export function AdminPanel() {
  const { t, i18n } = useTranslation();
  const { db, session } = useApp();
  const identity = useSession((s) => s.identity);
  const sync = useSyncStatus();
  const counts = useLiveQuery(async () => ({ lessons: await db.lessons.count(), students: await db.students.count(), pending: await db.outbox.count() }), [db]);
  const [estimate, setEstimate] = useState<StorageEstimate>({ usage: null, quota: null });
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [network, setNetwork] = useState<NetworkTestResult | null>(null);
  const [update, setUpdate] = useUpdateStatus();
  const [exported, setExported] = useState<string | null>(null);

  useEffect(() => {
    void navigator.storage?.estimate().then((e) => setEstimate({ usage: e.usage ?? null, quota: e.quota ?? null }), () => undefined);
    void desktop().app.info().then(setInfo, () => undefined);
  }, []);
  if (!identity) return null;

  async function exportZip() {
    if (!identity || !info || !update) return;
    const file = await exportDiagnostics({ db, desktop: desktop(), identity, appInfo: info, update, estimate, sync, network, now: new Date() });
    setExported(file);
  }

  const unknown = t('admin.unknown');
  return (
    <main className="admin">
      <header className="admin-header">
        <h1>{t('admin.title')}</h1>
        <button type="button" className="primary" disabled={!info || !update} onClick={() => void exportZip()}>
          {t('admin.export')}
        </button>
        <button type="button" className="secondary" onClick={() => navigate({ screen: 'timetable' })}>
          {t('admin.back')}
        </button>
      </header>
      {exported && (
        <p className="admin-note" role="status">
          {t('admin.exported', { file: exported })}
        </p>
      )}
      <div className="admin-grid">
        <section aria-labelledby="admin-device">
          <h2 id="admin-device">{t('admin.device')}</h2>
          <dl>
            <dt>{t('admin.hubUrl')}</dt>
            <dd>{identity.hubUrl}</dd>
            <dt>{t('admin.hubName')}</dt>
            <dd>{identity.hubName}</dd>
            <dt>{t('admin.school')}</dt>
            <dd>{`${identity.school.name} · ${identity.classroom.name}`}</dd>
            <dt>{t('admin.deviceId')}</dt>
            <dd data-testid="device-id">{identity.deviceId}</dd>
            <dt>{t('admin.enrolledAt')}</dt>
            <dd>{formatDateTime(new Date(identity.enrolledAt), i18n.language)}</dd>
          </dl>
          <CertPinNote />
          <div className="admin-actions">
            <button type="button" className="secondary" onClick={() => session.openEnrollment(true)}>
              {t('admin.reenroll')}
            </button>
          </div>
        </section>
        <NetworkSection identity={identity} result={network} onResult={setNetwork} />
        <section aria-labelledby="admin-sync">
          <h2 id="admin-sync">{t('admin.sync')}</h2>
          <dl>
            <dt>{t('admin.syncPhase')}</dt>
            <dd>{t(`status.${sync.phase}`)}</dd>
            <dt>{t('admin.lastSync')}</dt>
            <dd>{sync.lastSyncAt ? formatDateTime(new Date(sync.lastSyncAt), i18n.language) : t('admin.never')}</dd>
          </dl>
          <p className="admin-note">{t('admin.records', { lessons: counts?.lessons ?? 0, students: counts?.students ?? 0, pending: counts?.pending ?? 0 })}</p>
          <div className="admin-actions">
            <button type="button" className="secondary" onClick={() => void session.syncNow()}>
              {t('admin.syncNow')}
            </button>
          </div>
        </section>
        <section aria-labelledby="admin-storage">
          <h2 id="admin-storage">{t('admin.storage')}</h2>
          <p className="admin-result">{t('admin.used', { used: estimate.usage === null ? unknown : formatBytes(estimate.usage), quota: estimate.quota === null ? unknown : formatBytes(estimate.quota) })}</p>
        </section>
        <UpdateSection status={update} onStatus={setUpdate} />
        <DisplaySection />
        <section aria-labelledby="admin-versions">
          <h2 id="admin-versions">{t('admin.versions')}</h2>
          {info && <p className="admin-result">{t('admin.appVersion', { version: info.version, shell: t(`admin.shell.${info.shell}`) })}</p>}
          {/* Engine versions and the browser's user agent: for IT on the phone with the county, folded away. */}
          <details className="admin-details">
            <summary>{t('admin.techDetails')}</summary>
            <dl>
              {Object.entries(info?.versions ?? {}).map(([k, v]) => [<dt key={`${k}-k`}>{k}</dt>, <dd key={`${k}-v`}>{v}</dd>])}
            </dl>
          </details>
        </section>
        <ContentSection />
        <EdgeSection />
      </div>
    </main>
  );
}
