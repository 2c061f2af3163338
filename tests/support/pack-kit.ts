// Packs for the renderer's unit tests: files cut into chunks with their hashes, manifests signed the way the hub signs
// them (Ed25519 over packSignedText, node:crypto here since renderer tests may not import node:*), folders as the
// import reads them, and a snapshot of every stored row and byte to prove that a refused import changed nothing.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { MANIFEST_FILE, packSignedText, type ContentFile, type PackListing, type PackManifest } from '../../src/shared/content-protocol.ts';
import type { AppDb } from '../../src/renderer/db/app-db.ts';
import type { FolderFile } from '../../src/renderer/downloads/folder-read.ts';

export const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export type TestSigner = { key: string; sign(manifest: PackManifest): string };
export function testSigner(): TestSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x ?? '';
  return { key: x, sign: (manifest) => sign(null, Buffer.from(packSignedText(manifest)), privateKey).toString('base64url') };
}

export function contentFile(path: string, bytes: Uint8Array, chunkSize = 16_384, mime = 'application/octet-stream'): ContentFile {
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(sha(bytes.subarray(i, i + chunkSize)));
  return { path, size: bytes.length, mime, sha256: sha(bytes), chunkSize, chunks };
}

export function manifestOf(id: string, files: ContentFile[], createdAt = '2026-11-25T00:00:00.000Z', title = `资料包 ${id}`): PackManifest {
  return { protocol: 1, id, kind: 'preview', title, createdAt, files };
}

export const signed = (signer: TestSigner, manifest: PackManifest, lessonIds = ['les-1']): PackListing => ({ manifest, lessonIds, signature: signer.sign(manifest) });

export const bytesFile = (path: string, bytes: Uint8Array): FolderFile => ({ path, size: bytes.length, read: (s, e) => Promise.resolve(bytes.slice(s, e)) });

/** A folder as picked: manifest.json (any text, or a listing) and files by path. */
export function folderOf(manifest: string | PackListing, files: Record<string, Uint8Array>): FolderFile[] {
  const text = typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
  return [bytesFile(MANIFEST_FILE, new TextEncoder().encode(text)), ...Object.entries(files).map(([p, b]) => bytesFile(p, b))];
}

/** Every content row, with each chunk's bytes as a hash: equal snapshots mean nothing stored changed. */
export async function contentSnapshot(db: AppDb): Promise<string> {
  const chunks = await db.contentChunks.toArray();
  const chunkRows = await Promise.all(chunks.map(async (c) => [c.sha256, c.index, sha(new Uint8Array(await c.data.arrayBuffer()))]));
  return JSON.stringify({
    packs: await db.packs.toArray(),
    links: await db.lessonPacks.toArray(),
    files: await db.contentFiles.toArray(),
    chunks: chunkRows.sort(),
  });
}

/** The bytes stored for a file: its chunk rows in index order, concatenated. */
export async function storedBytes(db: AppDb, sha256: string): Promise<Uint8Array> {
  const rows = await db.contentChunks.where('sha256').equals(sha256).sortBy('index');
  return new Uint8Array(await new Blob(rows.map((r) => r.data)).arrayBuffer());
}

/** Deterministic bytes (no randomness in tests unless a property test drives it). */
export const patterned = (size: number, seed: number) => new Uint8Array(size).map((_, i) => (i * 31 + seed * 17 + ((i >> 8) ^ seed)) % 251);
