// Content wire protocol: pack manifests (what a 预习包 or a recording consists of) and the paths that serve them. The
// same manifest travels over HTTP from the hub and on a USB stick between schools, so every field is checked: names are
// safe relative paths, sizes and chunk lists agree, hashes are lowercase SHA-256 hex — and it carries the hub's signature,
// so a classroom accepts only packs its own hub vouched for.
import { z } from 'zod';
import { canonicalJson } from './canonical-json.ts';
import { Id, IsoDateTime, PackSigningKey, PROTOCOL_VERSION } from './protocol.ts';
import { brokenNameRule, findNameClash } from './safe-names.ts';

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex digits');
export type Sha256Hex = z.infer<typeof Sha256Hex>;

/** A relative path that breaks none of the name rules (safe-names.ts: the same for hub ingest and USB import). */
export const SafeRelativePath = z.string().superRefine((path, ctx) => {
  const rule = brokenNameRule(path);
  if (rule) ctx.addIssue({ code: 'custom', message: `unsafe file name (${rule})` });
});

export const MIN_CHUNK_SIZE = 16 * 1024;
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
/** 256 KiB: about one second on a 2 Mbit/s link, so a lost chunk costs little and several fit in flight. */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;
export const MAX_FILE_SIZE = 8 * 1024 * 1024 * 1024;

export const chunkCountOf = (size: number, chunkSize: number) => Math.ceil(size / chunkSize);

export const ContentFile = z
  .object({
    path: SafeRelativePath,
    size: z.number().int().min(0).max(MAX_FILE_SIZE),
    mime: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'mime: type/subtype'),
    sha256: Sha256Hex,
    chunkSize: z.number().int().min(MIN_CHUNK_SIZE).max(MAX_CHUNK_SIZE),
    chunks: z.array(Sha256Hex).max(1_000_000),
  })
  .refine((f) => f.chunks.length === chunkCountOf(f.size, f.chunkSize), { message: 'chunks: count does not match size / chunkSize' });
export type ContentFile = z.infer<typeof ContentFile>;

type Chunking = Pick<ContentFile, 'path' | 'sha256' | 'size' | 'chunkSize' | 'chunks'>;

/**
 * Content is stored once per hash, with one chunk list: two entries of one manifest that list the same bytes cut
 * differently contradict each other (which chunking would the stored row keep?). The first such pair, or null.
 */
export function findChunkingConflict(files: readonly Chunking[]): { path: string; other: string } | null {
  const first = new Map<string, Chunking>();
  for (const f of files) {
    const seen = first.get(f.sha256);
    if (!seen) first.set(f.sha256, f);
    else if (seen.size !== f.size || seen.chunkSize !== f.chunkSize || seen.chunks.join() !== f.chunks.join()) return { path: f.path, other: seen.path };
  }
  return null;
}

/** The refusal a manifest parse names for IT and teachers (custom issues carry it in `params.refusal`). */
export type ManifestRefusal = { refusal: 'chunking_conflict'; path: string; other: string };
export function manifestRefusalOf(error: z.ZodError): ManifestRefusal | undefined {
  for (const issue of error.issues) {
    const params = issue.code === 'custom' ? (issue.params as Partial<ManifestRefusal> | undefined) : undefined;
    if (params?.refusal === 'chunking_conflict' && params.path !== undefined && params.other !== undefined) return { refusal: params.refusal, path: params.path, other: params.other };
  }
  return undefined;
}

export const PackKind = z.enum(['recording', 'preview']);
export type PackKind = z.infer<typeof PackKind>;

export const PackManifest = z
  .object({
    protocol: z.literal(PROTOCOL_VERSION),
    id: Id,
    kind: PackKind,
    title: z.string().min(1).max(200),
    createdAt: IsoDateTime,
    files: z.array(ContentFile).min(1).max(1000),
  })
  .refine((m) => findNameClash(m.files.map((f) => f.path)) === null, {
    message: 'files: two paths are one name after Unicode normalisation and case folding (as on NTFS and exFAT)',
  })
  // In the one schema, so the hub's ingest, its pack list, the edge and a USB import all refuse it before writing.
  .superRefine((m, ctx) => {
    const conflict = findChunkingConflict(m.files);
    if (!conflict) return;
    const params: ManifestRefusal = { refusal: 'chunking_conflict', ...conflict };
    ctx.addIssue({ code: 'custom', path: ['files'], params, message: `chunking_conflict: ${conflict.path} and ${conflict.other} are the same bytes with different chunk lists` });
  });
export type PackManifest = z.infer<typeof PackManifest>;

/** Ed25519 signature, 64 bytes in base64url (86 characters). */
export const PackSignature = z.string().regex(/^[A-Za-z0-9_-]{85}[AQgw]$/, 'Ed25519 signature: 64 bytes, base64url');
export type PackSignature = z.infer<typeof PackSignature>;

/**
 * The exact text the hub signs: a domain label (a signature on a pack can never be taken for one on anything else)
 * and the manifest as canonical JSON. Every manifest field is covered, so adding one is a protocol change.
 */
export const packSignedText = (manifest: PackManifest) => `ykt-pack-manifest-v1\n${canonicalJson(manifest)}`;

/**
 * A pack as the device sees it: the manifest, the device's lessons it belongs to, and the hub's signature of the
 * manifest. The lesson list is not signed: it says where a pack shows, never what its bytes are. The signature is
 * optional in the schema only so that an unsigned pack gets a named refusal rather than a parse error.
 */
export const PackListing = z.object({ manifest: PackManifest, lessonIds: z.array(Id).max(5000), signature: PackSignature.optional() });
export type PackListing = z.infer<typeof PackListing>;

export const PacksResponse = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  packs: z.array(PackListing).max(5000),
  /** The key the packs are signed with, so a PC enrolled before packs were signed can learn it once. */
  signingKey: PackSigningKey.optional(),
});
export type PacksResponse = z.infer<typeof PacksResponse>;

/**
 * The same list as a receiver reads it (a classroom, a school edge): each pack is parsed on its own (PackListing) where
 * it is used, so one pack that does not parse is refused by name and the others are kept, rather than one bad
 * manifest refusing a classroom's whole list.
 */
export const ReceivedPacks = PacksResponse.extend({ packs: z.array(z.unknown()).max(5000) });
export type ReceivedPacks = z.infer<typeof ReceivedPacks>;

export const ContentPaths = {
  /** Every pack attached to a lesson of the device's classroom. */
  packs: '/v1/content/packs',
  /** One stored file by its SHA-256 (content-addressed; served with Range, ETag, immutable). */
  blob: (sha256: string) => `/v1/content/blobs/${sha256}`,
} as const;

/** The manifest's file name in an exported pack folder. */
export const MANIFEST_FILE = 'manifest.json';
