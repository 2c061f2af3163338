import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import type { BackupSnapshot } from '../../shared/update-protocol.ts';
import { BackupStoreError, createBackupFileStore } from './backup-file-store.ts';

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
    expect(await s.latest()).toEqual({ state: 'none' });
    await s.save(snapshot(1));
    const { file } = await s.save(snapshot(2));
    expect(await s.latest()).toEqual({ state: 'found', file, snapshot: snapshot(2) });
    // Another store over the same folder (after an update and restart) reads the same backup.
    expect(await store().latest()).toEqual({ state: 'found', file, snapshot: snapshot(2) });
  });

  it('keeps only the newest few and leaves no temporary files', async () => {
    const s = store(3);
    for (let i = 0; i < 6; i++) await s.save(snapshot(i));
    const files = await readdir(dir);
    expect(files).toHaveLength(3);
    expect(files.every((f) => f.endsWith('.json'))).toBe(true);
    expect(await s.latest()).toMatchObject({ state: 'found', snapshot: snapshot(5) });
  });

  it('skips a damaged newest backup and falls back to the previous one', async () => {
    const s = store();
    await s.save(snapshot(1));
    await writeFile(join(dir, 'backup-9999999999999-0001.json'), '{"format":1,"tables":', 'utf8');
    await writeFile(join(dir, 'backup-9999999999998-0001.json'), JSON.stringify({ ...snapshot(9), format: 2 }), 'utf8');
    expect(await s.latest()).toMatchObject({ state: 'found', snapshot: snapshot(1) });
  });

  it('refuses an invalid snapshot and keeps the existing backups', async () => {
    const s = store();
    await s.save(snapshot(1));
    await expect(s.save({ ...snapshot(2), tables: { 'bad name!': [] } })).rejects.toBeInstanceOf(ZodError);
    await expect(s.save({ ...snapshot(2), format: 7 } as unknown as BackupSnapshot)).rejects.toBeInstanceOf(ZodError);
    expect(await s.latest()).toMatchObject({ state: 'found', snapshot: snapshot(1) });
    expect(await readdir(dir)).toHaveLength(1);
  });
});

/** Every file in the folder with its bytes (directories marked), to show a read changed nothing. */
async function folder(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) out[entry.name] = entry.isDirectory() ? '<dir>' : await readFile(join(dir, entry.name), 'utf8');
  return out;
}
const name = (ms: number) => `backup-${String(ms).padStart(13, '0')}-0001.json`;

describe('backup file store: a read error is never "no backup"', () => {
  it.each([
    [
      'the backups folder is not a folder (ENOTDIR)',
      async () => {
        await rm(dir, { recursive: true });
        await writeFile(dir, 'not a folder');
      },
      /^backups folder: ENOTDIR/,
    ],
    [
      'the newest backup cannot be read (EISDIR), an older one could',
      async () => {
        await store().save(snapshot(1));
        await mkdir(join(dir, name(9_999_999_999_999)));
      },
      /^backup-9999999999999-0001\.json: EISDIR/,
    ],
  ])('%s → unreadable, nothing changed', async (_name, arrange, reason) => {
    await arrange();
    const before = await readFile(dir, 'utf8').catch(async () => folder());
    expect(await store().latest()).toEqual({ state: 'unreadable', reason: expect.stringMatching(reason) as string });
    expect(await readFile(dir, 'utf8').catch(async () => folder())).toEqual(before);
  });

  it.each([
    ['no folder yet', async () => rm(dir, { recursive: true })],
    ['an empty folder', async () => {}],
    ['only foreign files', async () => writeFile(join(dir, 'notes.txt'), 'x')],
    ['only damaged backups (nothing usable: as good as none)', async () => writeFile(join(dir, name(1)), '{"format":1,', 'utf8')],
  ])('%s → none', async (_name, arrange) => {
    await arrange();
    expect(await store().latest()).toEqual({ state: 'none' });
  });
});

describe('backup file store: rotation never deletes the kept backup', () => {
  it('keeps the backup the database matched, however many newer ones follow', async () => {
    const s = store(3);
    await s.save(snapshot(0));
    const { file: matched } = await s.save(snapshot(1));
    await s.keep(matched);
    for (let i = 2; i < 12; i++) await s.save(snapshot(i));
    const files = (await readdir(dir)).filter((f) => f.startsWith('backup-'));
    expect(files).toHaveLength(4);
    expect(files).toContain(matched);
    expect(JSON.parse(await readFile(join(dir, matched), 'utf8'))).toEqual(snapshot(1));
    expect(await s.kept()).toBe(matched);
  });

  it('refuses to keep a file that is not a backup in the folder, and changes nothing', async () => {
    const s = store();
    await s.save(snapshot(1));
    const before = await folder();
    await expect(s.keep(name(42))).rejects.toMatchObject({ code: 'backup_not_found' });
    await expect(s.keep(name(42))).rejects.toBeInstanceOf(BackupStoreError);
    expect(await folder()).toEqual(before);
  });

  it.each([
    ['the pin is damaged', async () => writeFile(join(dir, 'keep.json'), '{"file":', 'utf8')],
    ['the pin names something that is not a backup', async () => writeFile(join(dir, 'keep.json'), JSON.stringify({ file: '../identity.json' }), 'utf8')],
    ['the pin cannot be read (EISDIR)', async () => mkdir(join(dir, 'keep.json'))],
  ])('%s → rotation deletes nothing', async (_name, breakPin) => {
    const s = store(2);
    for (let i = 0; i < 3; i++) await s.save(snapshot(i));
    await breakPin();
    const before = Object.keys(await folder()).filter((f) => f.startsWith('backup-'));
    await s.save(snapshot(9));
    const after = Object.keys(await folder()).filter((f) => f.startsWith('backup-'));
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after).toHaveLength(before.length + 1);
  });
});
