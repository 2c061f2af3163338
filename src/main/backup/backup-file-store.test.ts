import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import type { BackupSnapshot } from '../../shared/update-protocol.ts';
import { createBackupFileStore } from './backup-file-store.ts';

let dir: string;
let clock: number;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ykt-backup-'));
  clock = Date.parse('2026-03-01T12:00:00Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const store = (keep?: number) => createBackupFileStore({ dir, ...(keep === undefined ? {} : { keep }), now: () => new Date((clock += 1000)) });

function snapshot(n: number): BackupSnapshot {
  return {
    format: 1,
    createdAt: new Date(Date.UTC(2026, 2, 1, 12, n)).toISOString(),
    dbName: 'ykt-classroom',
    dbVersion: 1,
    appVersion: '0.1.0',
    tables: {
      meta: [{ key: 'dbInstanceId', value: 'abc' }],
      outbox: [{ id: `op-${n}`, kind: 'attendance.mark', payload: { studentId: 's1', status: 'absent' } }],
      notes: [{ id: 'n1', lessonId: 'l1', text: `在 12:30 暂停，用本地例子讲通分 #${n}` }],
    },
  };
}

describe('backup file store', () => {
  it('round-trips a snapshot and returns the newest', async () => {
    const s = store();
    expect(await s.latest()).toBeNull();
    await s.save(snapshot(1));
    await s.save(snapshot(2));
    expect(await s.latest()).toEqual(snapshot(2));
    // Another store over the same folder (after an update and restart) reads the same backup.
    expect(await store().latest()).toEqual(snapshot(2));
  });

  it('keeps only the newest few and leaves no temporary files', async () => {
    const s = store(3);
    for (let i = 0; i < 6; i++) await s.save(snapshot(i));
    const files = await readdir(dir);
    expect(files).toHaveLength(3);
    expect(files.every((f) => f.endsWith('.json'))).toBe(true);
    expect(await s.latest()).toEqual(snapshot(5));
  });

  it('skips a damaged newest backup and falls back to the previous one', async () => {
    const s = store();
    await s.save(snapshot(1));
    await writeFile(join(dir, 'backup-9999999999999-0001.json'), '{"format":1,"tables":', 'utf8');
    await writeFile(join(dir, 'backup-9999999999998-0001.json'), JSON.stringify({ ...snapshot(9), format: 2 }), 'utf8');
    expect(await s.latest()).toEqual(snapshot(1));
  });

  it('refuses an invalid snapshot and keeps the existing backups', async () => {
    const s = store();
    await s.save(snapshot(1));
    await expect(s.save({ ...snapshot(2), tables: { 'bad name!': [] } })).rejects.toBeInstanceOf(ZodError);
    await expect(s.save({ ...snapshot(2), format: 7 } as unknown as BackupSnapshot)).rejects.toBeInstanceOf(ZodError);
    expect(await s.latest()).toEqual(snapshot(1));
    expect(await readdir(dir)).toHaveLength(1);
  });
});
