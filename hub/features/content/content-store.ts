// Content-addressed file store: every file lives once under <dir>/<first two hex>/<sha256>, whatever pack or lesson uses
// it, so re-ingesting the same recording costs nothing and a name can never point at changed bytes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CHUNK_SIZE } from '../../../src/shared/content-protocol.ts';

export type FileDigest = { size: number; sha256: string; chunkSize: number; chunks: string[] };

/** Whole-file and per-chunk SHA-256 in one streaming pass (recordings can be larger than memory). */
export async function digestFile(path: string, chunkSize = DEFAULT_CHUNK_SIZE): Promise<FileDigest> {
  const whole = createHash('sha256');
  const chunks: string[] = [];
  let chunk = createHash('sha256');
  let inChunk = 0;
  let size = 0;
  for await (const data of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    whole.update(data);
    size += data.length;
    let offset = 0;
    while (offset < data.length) {
      const take = Math.min(chunkSize - inChunk, data.length - offset);
      chunk.update(data.subarray(offset, offset + take));
      inChunk += take;
      offset += take;
      if (inChunk === chunkSize) {
        chunks.push(chunk.digest('hex'));
        chunk = createHash('sha256');
        inChunk = 0;
      }
    }
  }
  if (inChunk > 0) chunks.push(chunk.digest('hex'));
  return { size, sha256: whole.digest('hex'), chunkSize, chunks };
}

export function blobPath(storeDir: string, sha256: string): string {
  return join(storeDir, sha256.slice(0, 2), sha256);
}

/** Copies a file into the store (once; atomic rename, so a crash never leaves a half file under a valid name). */
export async function storeFile(storeDir: string, source: string, chunkSize = DEFAULT_CHUNK_SIZE): Promise<FileDigest> {
  const digest = await digestFile(source, chunkSize);
  const target = blobPath(storeDir, digest.sha256);
  const existing = await stat(target).catch(() => null);
  if (existing?.size === digest.size) return digest;
  await mkdir(join(storeDir, digest.sha256.slice(0, 2)), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  await copyFile(source, temp);
  await rename(temp, target);
  return digest;
}
