// Backups of the renderer's local database in the user-data folder (outside IndexedDB, which an update can lose). The
// renderer sends a validated JSON snapshot; each is written to its own file (write-then-rename) and the newest few
// are kept, so one damaged file never leaves the classroom without a backup. Two rules keep the last good backup:
// a read error is reported as `unreadable`, never as "no backup" (the renderer would take a lost database for a new
// one); and rotation never deletes the backup the database matched or was restored from at start (`keep`).
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BackupSnapshot, MAX_BACKUP_BYTES, type BackupLatest } from '../../shared/update-protocol.ts';

const NAME_RE = /^backup-(\d{13})-(\d{4})\.json$/;
const KEEP_FILE = 'keep.json';
const KeepRecord = z.object({ file: z.string().regex(NAME_RE) });

export type BackupStoreErrorCode = 'backup_too_large' | 'backup_not_found';
export class BackupStoreError extends Error {
  constructor(
    readonly code: BackupStoreErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'BackupStoreError';
  }
}

export type BackupFileStoreOptions = { dir: string; keep?: number; now?: () => Date };

const errorCode = (error: unknown) => (error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : error instanceof Error ? error.message : String(error));
const isMissing = (error: unknown) => errorCode(error) === 'ENOENT';

export function createBackupFileStore({ dir, keep = 5, now = () => new Date() }: BackupFileStoreOptions) {
  let counter = 0;

  /** Newest first (the name carries the save time in ms and a per-process counter). A folder that is not there holds
   * no backup; any other error is thrown, never read as "none". */
  async function names(): Promise<string[]> {
    let all: string[];
    try {
      all = await readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    return all.filter((n) => NAME_RE.test(n)).sort().reverse();
  }

  /** The pinned file; null when none is pinned. Throws when the pin cannot be read: then nothing may be deleted. */
  async function kept(): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(join(dir, KEEP_FILE), 'utf8');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    return KeepRecord.parse(JSON.parse(text)).file;
  }

  async function writeAtomically(name: string, text: string) {
    await writeFile(join(dir, `${name}.tmp`), text, 'utf8');
    await rename(join(dir, `${name}.tmp`), join(dir, name));
  }

  return {
    async save(snapshot: BackupSnapshot): Promise<{ file: string; bytes: number }> {
      const valid = BackupSnapshot.parse(snapshot);
      const text = JSON.stringify(valid);
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_BACKUP_BYTES) throw new BackupStoreError('backup_too_large', `backup is ${bytes} bytes, more than ${MAX_BACKUP_BYTES}`);
      await mkdir(dir, { recursive: true });
      counter = (counter + 1) % 10_000;
      const name = `backup-${String(now().getTime()).padStart(13, '0')}-${String(counter).padStart(4, '0')}.json`;
      await writeAtomically(name, text);
      // A pin that cannot be read stops the rotation (files pile up) rather than risk deleting the pinned backup.
      const pinned = await kept().catch(() => undefined);
      if (pinned !== undefined) {
        for (const old of (await names()).slice(keep)) if (old !== pinned) await rm(join(dir, old), { force: true });
      }
      return { file: name, bytes };
    },

    /** The newest backup that parses; damaged or foreign files are skipped. Any read error → `unreadable`. */
    async latest(): Promise<BackupLatest> {
      let list: string[];
      try {
        list = await names();
      } catch (error) {
        return { state: 'unreadable', reason: `backups folder: ${errorCode(error)}`.slice(0, 500) };
      }
      for (const name of list) {
        let text: string;
        try {
          text = await readFile(join(dir, name), 'utf8');
        } catch (error) {
          if (isMissing(error)) continue; // rotated away meanwhile
          // A newer backup we cannot read now may be readable later: do not settle for an older one.
          return { state: 'unreadable', reason: `${name}: ${errorCode(error)}`.slice(0, 500) };
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          continue; // damaged (a bad sector, a hand-made copy): the next older one
        }
        const parsed = BackupSnapshot.safeParse(json);
        if (parsed.success) return { state: 'found', file: name, snapshot: parsed.data };
      }
      return { state: 'none' };
    },

    /** Pins one backup: rotation never deletes it (the one the database matched or was restored from). */
    async keep(file: string): Promise<void> {
      if (!(await names()).includes(file)) throw new BackupStoreError('backup_not_found', `${file} is not in the backups folder`);
      await writeAtomically(KEEP_FILE, JSON.stringify({ file }));
    },

    list: names,
    kept,
  };
}

export type BackupFileStore = ReturnType<typeof createBackupFileStore>;
