// Desktop-shell figures: how fast a USB/LAN release is verified (copy + sha512) on this machine, how long the hub feed
// takes to answer a differential-download style multi-range request, and how long exporting / restoring a backup of
// a busy classroom's records takes (fake-indexeddb under Node; Chromium's IndexedDB is faster).
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dexie from 'dexie';
import { verifyFolderRelease } from '../src/main/update/usb-release.ts';
import { exportSnapshot, importSnapshot } from '../src/renderer/db/db-backup.ts';
import { openDatabase } from '../hub/core/db/open-database.ts';
import { createHub } from '../hub/county/create-hub.ts';
import { publishRelease } from '../hub/features/updates/publish-release.ts';
import { testPublisher, writeReleaseFixture } from '../tests/support/release-fixture.ts';

export async function run(): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-shell-'));
  try {
    const size = 80 * 1024 * 1024; // a typical Electron NSIS installer
    const release = await writeReleaseFixture(join(dir, 'stick'), { size });
    const t0 = performance.now();
    const check = await verifyFolderRelease(release.dir, join(dir, 'staging'), { manifestName: 'latest.yml', trustedKeys: [testPublisher.publicKey], currentVersion: '0.1.0', stallMs: 60_000 });
    const verifyMs = performance.now() - t0;
    if (!check.ok) throw new Error(check.detail);

    const db = openDatabase(join(dir, 'hub.sqlite'));
    await publishRelease(release.dir, join(dir, 'updates'), { key: testPublisher });
    const app = await createHub({ db, hubName: 'bench', adminToken: 'bench-admin-token-0123456789', updatesDir: join(dir, 'updates') });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    // 200 blocks of 64 KiB spread over the installer, like a blockmap diff of a small code change.
    const ranges = Array.from({ length: 200 }, (_, i) => {
      const start = Math.floor((i * size) / 200);
      return `${start}-${start + 65_535}`;
    });
    const t1 = performance.now();
    const res = await fetch(`${base}/updates/latest/${release.installer}`, { headers: { range: `bytes=${ranges.join(', ')}` } });
    const body = await res.arrayBuffer();
    const multiRangeMs = performance.now() - t1;
    await app.close();
    await db.close();

    const local = new Dexie(`bench-${crypto.randomUUID()}`);
    local.version(1).stores({ meta: 'key', outbox: '++seq, &id', notes: 'noteId' });
    await local.table('outbox').bulkAdd(Array.from({ length: 5000 }, (_, i) => ({ id: `op-${i}`, kind: 'attendance.mark', payload: { studentId: `s${i % 45}`, status: 'absent' } })));
    await local.table('notes').bulkAdd(Array.from({ length: 500 }, (_, i) => ({ noteId: `n${i}`, text: '在 12:30 暂停，用本地例子讲通分。'.repeat(5) })));
    const t2 = performance.now();
    const snapshot = await exportSnapshot(local, '0.1.0', new Date());
    const exportMs = performance.now() - t2;
    const bytes = JSON.stringify(snapshot).length;
    const fresh = new Dexie(`bench-${crypto.randomUUID()}`);
    fresh.version(1).stores({ meta: 'key', outbox: '++seq, &id', notes: 'noteId' });
    const t3 = performance.now();
    await importSnapshot(fresh, snapshot);
    const restoreMs = performance.now() - t3;
    await local.delete();
    await fresh.delete();

    return {
      'shell.usbVerifyMBps': Math.round(size / 1024 / 1024 / (verifyMs / 1000)),
      'shell.usbVerify80MBMs': Math.round(verifyMs),
      'shell.feedMultiRange200x64KiBMs': Math.round(multiRangeMs),
      'shell.feedMultiRangeBytes': body.byteLength,
      'shell.backupExport5500RowsMs': Math.round(exportMs),
      'shell.backupBytes': bytes,
      'shell.backupRestore5500RowsMs': Math.round(restoreMs),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
