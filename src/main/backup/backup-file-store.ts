// Backups of the renderer's local database in the user-data folder (outside IndexedDB, which an update can lose). The
// renderer sends a validated JSON snapshot; each is written to its own file (write-then-rename) and the newest few
// are kept, so one damaged file never leaves the classroom without a backup.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupSnapshot, MAX_BACKUP_BYTES } from '../../shared/update-protocol.ts';

const NAME_RE = /^backup-(\d{13})-(\d{4})\.json$/;

export type BackupFileStoreOptions = { dir: string; keep?: number; now?: () => Date };

export function createBackupFileStore({ dir, keep = 5, now = () => new Date() }: BackupFileStoreOptions) {
  let counter = 0;

  async function names(): Promise<string[]> {
    const all = await readdir(dir).catch(() => [] as string[]);
    // Newest first: the name carries the save time (ms) and a per-process counter for same-millisecond saves.
    return all.filter((n) => NAME_RE.test(n)).sort().reverse();
  }

  return {
    async save(snapshot: BackupSnapshot): Promise<{ file: string; bytes: number }> {
      const valid = BackupSnapshot.parse(snapshot);
      const text = JSON.stringify(valid);
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_BACKUP_BYTES) throw new Error(`backup is ${bytes} bytes, more than ${MAX_BACKUP_BYTES}`);
      await mkdir(dir, { recursive: true });
      counter = (counter + 1) % 10_000;
      const name = `backup-${String(now().getTime()).padStart(13, '0')}-${String(counter).padStart(4, '0')}.json`;
      await writeFile(join(dir, `${name}.tmp`), text, 'utf8');
      await rename(join(dir, `${name}.tmp`), join(dir, name));
      for (const old of (await names()).slice(keep)) await rm(join(dir, old), { force: true });
      return { file: name, bytes };
    },

    /** The newest backup that still parses; damaged or foreign files are skipped, never thrown. */
    async latest(): Promise<BackupSnapshot | null> {
      for (const name of await names()) {
        try {
          const parsed = BackupSnapshot.safeParse(JSON.parse(await readFile(join(dir, name), 'utf8')));
          if (parsed.success) return parsed.data;
        } catch {
          // unreadable or truncated (power cut mid-copy by hand): try the next older one
        }
      }
      return null;
    },

    list: names,
  };
}

export type BackupFileStore = ReturnType<typeof createBackupFileStore>;
