// Reading a file of a picked folder, bounded: a stalled LAN share times out, the teacher can cancel, and every failure
// is a named refusal. Chromium snapshots a picked file's size and modification time and fails a read of a file changed
// since with NotReadableError; a stick pulled out gives NotFoundError. A read returning fewer bytes than asked also
// means the file changed. The timer is a parameter so tests drive timeouts without waiting.
import { ImportRefused, type ImportRefusal } from './import-refusal.ts';

export type FolderFile = { path: string; size: number; read(start: number, end: number): Promise<Uint8Array> };

/** Calls onTimeout after ms unless cancelled with the returned function. */
export type ImportTimer = (ms: number, onTimeout: () => void) => () => void;
export const realTimer: ImportTimer = (ms, onTimeout) => {
  const handle = setTimeout(onTimeout, ms);
  return () => clearTimeout(handle);
};

export type ReadGuard = { signal?: AbortSignal | undefined; timeoutMs: number; timer: ImportTimer };
/** One read of at most a chunk (≤ 16 MiB): even a slow USB 2 stick answers well within this. */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

function refusalOf(error: unknown, path: string): ImportRefusal {
  if (error instanceof ImportRefused) return error.refusal;
  const name = error instanceof Error ? error.name : '';
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (name === 'NotReadableError') return { code: 'file_changed', path, detail };
  if (name === 'NotFoundError') return { code: 'file_gone', path, detail };
  return { code: 'file_unreadable', path, detail };
}

export function guardedRead(file: FolderFile, start: number, end: number, guard: ReadGuard): Promise<Uint8Array> {
  if (guard.signal?.aborted) return Promise.reject(new ImportRefused({ code: 'cancelled' }));
  return new Promise<Uint8Array>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      cancelTimer();
      guard.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => settle(() => reject(new ImportRefused({ code: 'cancelled' })));
    const cancelTimer = guard.timer(guard.timeoutMs, () =>
      settle(() => reject(new ImportRefused({ code: 'read_timeout', path: file.path, detail: `no answer in ${guard.timeoutMs / 1000} s` }))),
    );
    guard.signal?.addEventListener('abort', onAbort, { once: true });
    file.read(start, end).then(
      (bytes) =>
        settle(() =>
          bytes.length === end - start
            ? resolve(bytes)
            : reject(new ImportRefused({ code: 'file_changed', path: file.path, detail: `${bytes.length} bytes at ${start}, expected ${end - start}` })),
        ),
      (error: unknown) => settle(() => reject(new ImportRefused(refusalOf(error, file.path)))),
    );
  });
}

/** Files from an `<input type="file" webkitdirectory>`: paths relative to the chosen folder. */
export function folderFilesOf(list: FileList | File[]): FolderFile[] {
  return [...list].map((file) => {
    const relative = (file.webkitRelativePath || file.name).split('/').slice(1).join('/') || file.name;
    return { path: relative, size: file.size, read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()) };
  });
}
