// Reading files from a folder nobody vouches for (a USB stick, a LAN share). Each file is opened once and everything
// is decided on that open handle: its type and size come from fstat on the handle (so a file swapped after a check is
// never the one read), it is never reached through a link (O_NOFOLLOW; where the platform has none, the handle's
// identity must equal the lstat of the name), a FIFO cannot block the open (O_NONBLOCK), reading stops at the declared
// size, and a read that makes no progress for `stallMs` (a share that stopped answering) gives up. Every failure is a named refusal, never an exception.
import { createHash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { refusal, type Refusal } from './release-manifest.ts';

const CHUNK = 1024 * 1024;
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export type OpenedFile = { ok: true; handle: FileHandle; size: number };

const codeOf = (error: unknown) => (error instanceof Error && 'code' in error ? String(error.code) : '');

function openFailure(name: string, error: unknown): Refusal {
  const code = codeOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return refusal('missing_file', `${name} is missing`);
  // O_NOFOLLOW makes open fail with ELOOP (EMLINK on some BSDs) when the name is a symbolic link.
  if (code === 'ELOOP' || code === 'EMLINK') return refusal('is_link', `${name} is a link; only plain files are read`);
  if (code === 'EISDIR') return refusal('not_a_file', `${name} is a folder`);
  return refusal('read_error', `${name} cannot be opened (${code || 'error'})`);
}

/** Closes without waiting: a read stalled on a dead share would otherwise hold close() for ever. */
export function release(handle: FileHandle): void {
  void handle.close().catch(() => undefined);
}

/** Opens `path` for reading if it is a regular file reached without a link; the caller closes the handle. */
export async function openUntrusted(path: string, name: string): Promise<OpenedFile | Refusal> {
  // Without O_NOFOLLOW (Windows) the name's own entry is checked, then compared with what was opened.
  const before = constants.O_NOFOLLOW === undefined ? await lstat(path).catch((e: unknown) => e) : null;
  if (before instanceof Error) return openFailure(name, before);
  if (before && (before as Stats).isSymbolicLink()) return refusal('is_link', `${name} is a link; only plain files are read`);
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    return openFailure(name, error);
  }
  try {
    const info = await handle.stat();
    if (before && ((before as Stats).ino !== info.ino || (before as Stats).dev !== info.dev)) {
      release(handle);
      return refusal('is_link', `${name} changed between its check and its opening`);
    }
    if (!info.isFile()) {
      release(handle);
      return refusal('not_a_file', `${name} is not a regular file`);
    }
    return { ok: true, handle, size: info.size };
  } catch (error) {
    release(handle);
    return refusal('read_error', `${name}: ${codeOf(error) || 'fstat failed'}`);
  }
}

/** How long one read may take, and (optionally) a cancel for the whole operation. Both end in `read_timeout`. */
export type ReadLimits = { stallMs: number; signal?: AbortSignal };

class ReadStalled extends Error {}

async function readAt(handle: FileHandle, buffer: Buffer, length: number, position: number, limits: ReadLimits): Promise<number> {
  if (limits.signal?.aborted) throw new ReadStalled('cancelled');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = () => undefined as void;
  // A read on a dead share never settles; the race lets the copy give up (the handle is then closed without waiting).
  const stalled = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ReadStalled('stalled')), limits.stallMs);
    onAbort = () => reject(new ReadStalled('cancelled'));
    limits.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const { bytesRead } = await Promise.race([handle.read(buffer, 0, length, position), stalled]);
    return bytesRead;
  } finally {
    clearTimeout(timer);
    limits.signal?.removeEventListener('abort', onAbort);
  }
}

function readFailure(name: string, error: unknown): Refusal {
  if (error instanceof ReadStalled) return refusal('read_timeout', `${name}: ${error.message === 'cancelled' ? 'cancelled' : 'no data for too long'} (stalled share or stick?)`);
  return refusal('read_error', `${name}: ${codeOf(error) || (error instanceof Error ? error.message : 'read failed')}`);
}

/** Reads a small file whole (a manifest, a signature); `tooLarge` is the refusal past `maxBytes`. */
export async function readSmall(file: OpenedFile, name: string, maxBytes: number, tooLarge: Refusal['reason'], limits: ReadLimits): Promise<{ ok: true; bytes: Buffer } | Refusal> {
  if (file.size > maxBytes) return refusal(tooLarge, `${name} is ${file.size} bytes (at most ${maxBytes})`);
  const buffer = Buffer.alloc(maxBytes + 1);
  let filled = 0;
  try {
    // Read to EOF, not to the fstat size: a file that grows after fstat is still bounded by maxBytes.
    for (;;) {
      const n = await readAt(file.handle, buffer.subarray(filled), buffer.length - filled, filled, limits);
      if (n === 0) break;
      filled += n;
      if (filled > maxBytes) return refusal(tooLarge, `${name} grew past ${maxBytes} bytes while it was read`);
    }
  } catch (error) {
    return readFailure(name, error);
  }
  return { ok: true, bytes: Buffer.from(buffer.subarray(0, filled)) };
}

/**
 * Copies exactly `size` bytes of an opened file into `to` (created, never overwritten) while hashing them, and checks
 * that the source holds no more: a file that shrinks or grows during the copy is refused, and nothing past the
 * declared size is ever read into the copy.
 */
export async function copyExactly(file: OpenedFile, name: string, size: number, to: string, limits: ReadLimits): Promise<{ ok: true; sha512: string } | Refusal> {
  let out: FileHandle;
  try {
    out = await open(to, 'wx');
  } catch (error) {
    return refusal('write_error', `${name}: cannot create the staging copy (${codeOf(error) || 'error'})`);
  }
  const hash = createHash('sha512');
  const buffer = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
  let position = 0;
  try {
    while (position < size) {
      let n: number;
      try {
        n = await readAt(file.handle, buffer, Math.min(buffer.length, size - position), position, limits);
      } catch (error) {
        return readFailure(name, error);
      }
      if (n === 0) return refusal('size_mismatch', `${name} ended at ${position} of ${size} bytes while it was copied`);
      const chunk = buffer.subarray(0, n);
      hash.update(chunk);
      try {
        await out.write(chunk, 0, n, position);
      } catch (error) {
        return refusal('write_error', `${name}: writing the staging copy failed (${codeOf(error) || 'error'})`);
      }
      position += n;
    }
    let extra: number;
    try {
      extra = await readAt(file.handle, buffer, 1, size, limits);
    } catch (error) {
      return readFailure(name, error);
    }
    if (extra > 0) return refusal('size_mismatch', `${name} grew past the ${size} bytes latest.yml names while it was copied`);
    try {
      await out.sync();
    } catch (error) {
      return refusal('write_error', `${name}: flushing the staging copy failed (${codeOf(error) || 'error'})`);
    }
    return { ok: true, sha512: hash.digest('base64') };
  } finally {
    await out.close().catch(() => undefined);
  }
}
