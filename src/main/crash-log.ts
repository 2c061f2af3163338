// A local log file for crashes and errors (main's uncaught exceptions, renderer errors, update decisions), so school IT
// can export it with the diagnostics. One JSON object a line; rotated to `<file>.1` past a size cap, so it never fills
// an old PC's disk. Appends are serialised so lines never interleave.
import { appendFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export type LogLevel = 'info' | 'warn' | 'error';
export type LogEntry = { level: LogLevel; message: string; detail?: string | undefined; source?: 'main' | 'renderer' | 'updater' | undefined };

export function createCrashLog({ file, maxBytes = 512 * 1024, now = () => new Date() }: { file: string; maxBytes?: number; now?: () => Date }) {
  let queue: Promise<void> = Promise.resolve();

  async function append(entry: LogEntry) {
    await mkdir(dirname(file), { recursive: true });
    const size = (await stat(file).catch(() => null))?.size ?? 0;
    if (size > maxBytes) await rename(file, `${file}.1`);
    const line = JSON.stringify({ at: now().toISOString(), source: entry.source ?? 'main', level: entry.level, message: entry.message.slice(0, 2000), detail: entry.detail?.slice(0, 8000) });
    await appendFile(file, `${line}\n`, 'utf8');
  }

  return {
    write(entry: LogEntry): Promise<void> {
      // A failing disk must never turn a logged error into a second crash.
      queue = queue.then(() => append(entry)).catch(() => undefined);
      return queue;
    },
    /** The newest part of the log (previous file first), at most `limit` characters, cut at a line start. */
    async recent(limit = 256 * 1024): Promise<string> {
      await queue;
      const older = await readFile(`${file}.1`, 'utf8').catch(() => '');
      const current = await readFile(file, 'utf8').catch(() => '');
      const text = older + current;
      if (text.length <= limit) return text;
      const cut = text.slice(text.length - limit);
      return cut.slice(cut.indexOf('\n') + 1);
    },
  };
}

export type CrashLog = ReturnType<typeof createCrashLog>;

export function describeError(error: unknown): { message: string; detail?: string } {
  if (error instanceof Error) return { message: `${error.name}: ${error.message}`, ...(error.stack ? { detail: error.stack } : {}) };
  return { message: String(error) };
}
