// Reading an untrusted file on its open handle: a swap after opening, a file growing or shrinking during the copy and
// a read that never returns (a dead share) each end in a named refusal, and the copy never holds more than declared.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, open, readFile, rename, rm, stat, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha512Base64 } from '../../../tests/support/release-fixture.ts';
import { copyExactly, openUntrusted, readSmall, release } from './untrusted-file.ts';

let dir: string;
const limits = { stallMs: 5_000 };
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ykt-untrusted-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function opened(name: string) {
  const file = await openUntrusted(join(dir, name), name);
  if (!file.ok) throw new Error(file.detail);
  return file;
}

describe('untrusted file reads', () => {
  it('copies what was opened, even when the name is swapped for another file afterwards', async () => {
    const original = randomBytes(300_000);
    await writeFile(join(dir, 'setup.exe'), original);
    const file = await opened('setup.exe');
    await writeFile(join(dir, 'evil.exe'), randomBytes(300_000));
    await rename(join(dir, 'evil.exe'), join(dir, 'setup.exe'));
    const copied = await copyExactly(file, 'setup.exe', file.size, join(dir, 'copy'), limits);
    release(file.handle);
    expect(copied).toEqual({ ok: true, sha512: sha512Base64(original) });
    expect(await readFile(join(dir, 'copy'))).toEqual(original);
  });

  it('refuses a file that grows during the copy, and copies no further than the declared size', async () => {
    await writeFile(join(dir, 'setup.exe'), randomBytes(100_000));
    const file = await opened('setup.exe');
    await appendFile(join(dir, 'setup.exe'), randomBytes(5_000_000)); // swapped for an endless one, as far as we can tell
    expect(await copyExactly(file, 'setup.exe', 100_000, join(dir, 'copy'), limits)).toMatchObject({ ok: false, reason: 'size_mismatch' });
    release(file.handle);
    expect((await stat(join(dir, 'copy'))).size).toBeLessThanOrEqual(100_000);
  });

  it('refuses a file that shrinks during the copy (a stick pulled, a file cut)', async () => {
    await writeFile(join(dir, 'setup.exe'), randomBytes(100_000));
    const file = await opened('setup.exe');
    await truncate(join(dir, 'setup.exe'), 10);
    expect(await copyExactly(file, 'setup.exe', 100_000, join(dir, 'copy'), limits)).toMatchObject({ ok: false, reason: 'size_mismatch' });
    release(file.handle);
  });

  it('never overwrites an existing staging file', async () => {
    await writeFile(join(dir, 'setup.exe'), 'abc');
    await writeFile(join(dir, 'copy'), 'already here');
    const file = await opened('setup.exe');
    expect(await copyExactly(file, 'setup.exe', 3, join(dir, 'copy'), limits)).toMatchObject({ ok: false, reason: 'write_error' });
    release(file.handle);
    expect(await readFile(join(dir, 'copy'), 'utf8')).toBe('already here');
  });

  it('gives up on a read that never returns (a share that stopped answering) as read_timeout', async () => {
    execFileSync('mkfifo', [join(dir, 'stalled')]);
    // A FIFO opened read-write never blocks the open, and its reads wait in the kernel for data that never comes, as
    // on a dead share. Pipes cannot seek, so the stand-in handle reads at the current position instead.
    const handle = await open(join(dir, 'stalled'), 'r+');
    const pipe = { read: (buffer: Buffer, offset: number, length: number) => handle.read(buffer, offset, length, null) } as unknown as FileHandle;
    const result = await copyExactly({ ok: true, handle: pipe, size: 10 }, 'stalled', 10, join(dir, 'copy'), { stallMs: 200 });
    expect(result).toMatchObject({ ok: false, reason: 'read_timeout' });
    // Free the thread still waiting in the read, then close.
    await handle.write(Buffer.alloc(16));
    await handle.close();
  });

  it('stops at once when the verification is cancelled', async () => {
    await writeFile(join(dir, 'latest.yml'), 'version: 1.0.0\n');
    const file = await opened('latest.yml');
    expect(await readSmall(file, 'latest.yml', 1024, 'manifest_too_large', { stallMs: 5_000, signal: AbortSignal.abort() })).toMatchObject({ ok: false, reason: 'read_timeout' });
    release(file.handle);
  });

  it('bounds a small file by its limit even if it grows after fstat', async () => {
    await writeFile(join(dir, 'latest.yml'), 'a'.repeat(100));
    const file = await opened('latest.yml');
    await appendFile(join(dir, 'latest.yml'), 'b'.repeat(5_000));
    expect(await readSmall(file, 'latest.yml', 1024, 'manifest_too_large', limits)).toMatchObject({ ok: false, reason: 'manifest_too_large' });
    release(file.handle);
  });
});
