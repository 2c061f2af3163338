// Property: whatever sequence of pack imports arrives — good ones under either chunk size, newer and older versions,
// and ones that are forged, damaged, badly named or unreadable — no import ever changes a byte of a file stored before
// it, a refused import changes nothing at all, and every file marked complete hashes to its name. (fast-check drives
// the sequences; a failure prints the shortest sequence that breaks it.)
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContentFile, PackListing } from '../../shared/content-protocol.ts';
import { contentFile, contentSnapshot, folderOf, manifestOf, patterned, sha, signed, storedBytes, testSigner } from '../../../tests/support/pack-kit.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import type { FolderFile } from './folder-read.ts';
import { importPackFolder } from './pack-import.ts';

const hub = testSigner();
const otherHub = testSigner();
const pool = [20_000, 33_000, 50_000, 16_384].map((size, seed) => patterned(size, seed + 10));
const FLAWS = ['none', 'corrupt_chunk', 'forged', 'other_hub', 'unsigned', 'unsafe_name', 'duplicate_name', 'size_lie', 'not_readable', 'short_read', 'chunking_conflict'] as const;
type Flaw = (typeof FLAWS)[number];

type Op =
  | { kind: 'import'; packId: string; files: number[]; chunkSize: number; day: number; flaw: Flaw }
  | { kind: 'partial-download'; file: number; chunkSize: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('import' as const), packId: fc.constantFrom('p1', 'p2', 'p3'), files: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), chunkSize: fc.constantFrom(16_384, 32_768), day: fc.integer({ min: 1, max: 4 }), flaw: fc.constantFrom(...FLAWS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partial-download' as const), file: fc.integer({ min: 0, max: 3 }), chunkSize: fc.constantFrom(16_384, 32_768) }) },
);

function folderFor(op: Extract<Op, { kind: 'import' }>): FolderFile[] {
  const files: ContentFile[] = op.files.map((i) => contentFile(`f${i}.bin`, pool[i] ?? new Uint8Array(), op.chunkSize));
  const bytes: Record<string, Uint8Array> = Object.fromEntries(op.files.map((i) => [`f${i}.bin`, pool[i] ?? new Uint8Array()]));
  const manifest = manifestOf(op.packId, files, `2026-11-0${op.day}T00:00:00.000Z`);
  let listing: PackListing = signed(hub, manifest);
  const first = files[0]?.path ?? '';
  switch (op.flaw) {
    case 'corrupt_chunk':
      bytes[first] = (bytes[first] ?? new Uint8Array()).map((b, i) => (i === 100 ? b ^ 0xff : b));
      break;
    case 'forged':
      listing = { ...listing, manifest: { ...manifest, title: '伪造' } };
      break;
    case 'other_hub':
      listing = signed(otherHub, manifest);
      break;
    case 'unsigned':
      listing = { manifest, lessonIds: listing.lessonIds };
      break;
    case 'chunking_conflict': {
      // The first file's bytes once more under another name, cut at the other chunk size, and signed.
      const again = contentFile(`again-${first}`, bytes[first] ?? new Uint8Array(), op.chunkSize === 16_384 ? 32_768 : 16_384);
      listing = signed(hub, { ...manifest, files: [...files, again] });
      bytes[again.path] = bytes[first] ?? new Uint8Array();
      break;
    }
    case 'unsafe_name':
      bytes['CON.txt'] = new Uint8Array([1]);
      break;
    case 'duplicate_name':
      bytes[first.toUpperCase()] = new Uint8Array([1]);
      break;
    case 'size_lie':
      bytes[first] = new Uint8Array([...(bytes[first] ?? []), 0]);
      break;
    case 'none':
    case 'not_readable':
    case 'short_read':
      break;
  }
  const folder = folderOf(listing, bytes);
  if (op.flaw !== 'not_readable' && op.flaw !== 'short_read') return folder;
  return folder.map((f) =>
    f.path !== first ? f : { ...f, read: op.flaw === 'not_readable' ? () => Promise.reject(Object.assign(new Error('changed'), { name: 'NotReadableError' })) : (s, e) => f.read(s, Math.max(s, e - 1)) },
  );
}

/** A file the hub listed, partly downloaded under its chunking: one verified chunk stored. */
async function partialDownload(db: AppDb, op: Extract<Op, { kind: 'partial-download' }>) {
  const bytes = pool[op.file] ?? new Uint8Array();
  const file = contentFile(`f${op.file}.bin`, bytes, op.chunkSize);
  if (await db.contentFiles.get(file.sha256)) return;
  await db.contentFiles.put({ sha256: file.sha256, size: file.size, mime: file.mime, chunkSize: file.chunkSize, chunks: file.chunks, state: 'queued', doneBytes: Math.min(op.chunkSize, file.size) });
  await db.contentChunks.put({ sha256: file.sha256, index: 0, data: new Blob([bytes.slice(0, op.chunkSize)]) });
}

async function chunkHashes(db: AppDb): Promise<Map<string, string>> {
  const rows = await db.contentChunks.toArray();
  return new Map(await Promise.all(rows.map(async (r) => [`${r.sha256}/${r.index}`, sha(new Uint8Array(await r.data.arrayBuffer()))] as const)));
}

async function checkInvariants(db: AppDb, before: Map<string, string>) {
  const after = await chunkHashes(db);
  const files = new Set((await db.contentFiles.toArray()).map((f) => f.sha256));
  // A stored chunk is never rewritten: it is still there with the same bytes, or its file is gone (replaced away).
  for (const [key, hash] of before) {
    if (files.has(key.split('/')[0] ?? '')) expect(after.get(key), key).toBe(hash);
  }
  for (const row of await db.contentFiles.where('state').equals('complete').toArray()) {
    expect(sha(await storedBytes(db, row.sha256)), row.sha256).toBe(row.sha256);
    expect(await db.contentChunks.where('sha256').equals(row.sha256).count()).toBe(row.chunks.length);
  }
}

describe('pack import property', () => {
  it('random sequences of valid and invalid imports never change the bytes of any other stored file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
        const db = openAppDb(`prop-${crypto.randomUUID()}`);
        try {
          for (const op of ops) {
            const beforeChunks = await chunkHashes(db);
            const beforeAll = await contentSnapshot(db);
            if (op.kind === 'partial-download') await partialDownload(db, op);
            else {
              const result = await importPackFolder(db, folderFor(op), { trust: { enrolled: true, hubKey: hub.key } });
              if (op.flaw !== 'none') expect(result.ok, `${op.flaw} must be refused`).toBe(false);
              if (!result.ok) expect(await contentSnapshot(db)).toBe(beforeAll);
            }
            await checkInvariants(db, beforeChunks);
          }
        } finally {
          await db.delete();
        }
      }),
      { numRuns: 40 },
    );
  });
});
