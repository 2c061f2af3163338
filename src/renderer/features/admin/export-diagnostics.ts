// Gathers the IT page's state plus the local log into the diagnostics zip and hands it to the browser's download.
import type { AppInfo, DesktopApi, DeviceIdentity } from '../../../shared/ipc.ts';
import type { UpdateStatus } from '../../../shared/update-protocol.ts';
import type { AppDb } from '../../db/app-db.ts';
import { saveBlob } from '../../desktop/save-blob.ts';
import type { SyncStatus } from '../../stores/sync-status-store.ts';
import { buildDiagnosticsZip } from './diagnostics.ts';
import type { NetworkTestResult } from './network-test.ts';

export type ExportInput = {
  db: AppDb;
  desktop: DesktopApi;
  identity: DeviceIdentity;
  appInfo: AppInfo;
  update: UpdateStatus;
  estimate: { usage: number | null; quota: number | null };
  sync: SyncStatus;
  network: NetworkTestResult | null;
  now: Date;
};

export async function exportDiagnostics({ db, desktop, identity, appInfo, update, estimate, sync, network, now }: ExportInput): Promise<string> {
  const tables: Record<string, number> = {};
  for (const table of db.tables) tables[table.name] = await table.count();
  const students = (await db.students.toArray()).map((s) => ({ id: s.id, name: s.name }));
  const { text: log } = await desktop.log.recent().catch(() => ({ text: '' }));
  const zip = buildDiagnosticsZip({
    createdAt: now.toISOString(),
    identity,
    appInfo,
    update,
    storage: { ...estimate, tables },
    sync: { phase: sync.phase, lastSyncAt: sync.lastSyncAt, lastError: sync.lastError ? `${sync.lastError.code}: ${sync.lastError.detail}` : null, pendingOps: tables.outbox ?? 0 },
    network,
    log,
    students,
  });
  const file = `ykt-diagnostics-${identity.deviceId}-${now.toISOString().slice(0, 16).replace(/[-:T]/g, '')}.zip`;
  saveBlob(file, new Blob([zip.slice().buffer], { type: 'application/zip' }));
  return file;
}
