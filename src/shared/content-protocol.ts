// Content wire protocol: pack manifests (what a 预习包 or a recording consists of) and the paths that serve them. The
// same manifest travels over HTTP from the hub and on a USB stick between schools, so every field is checked: names are
// safe relative paths, sizes and chunk lists agree, hashes are lowercase SHA-256 hex.
import { z } from 'zod';
import { Id, IsoDateTime, PROTOCOL_VERSION } from './protocol.ts';

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'sha256: 64 lowercase hex digits');
export type Sha256Hex = z.infer<typeof Sha256Hex>;

/** Why a file name is refused, or null when it is a safe relative path (pure: also used by the USB import). */
export function unsafePathReason(path: string): string | null {
  if (path.length === 0 || path.length > 255) return 'empty or longer than 255 characters';
  if (path.includes('\0')) return 'contains NUL';
  if (path.includes('\\')) return 'contains a backslash';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains a control character';
  if (path.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:/.test(path)) return 'starts with a drive letter';
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return 'has an empty, "." or ".." segment';
  }
  return null;
}

export const SafeRelativePath = z.string().superRefine((path, ctx) => {
  const reason = unsafePathReason(path);
  if (reason) ctx.addIssue({ code: 'custom', message: `unsafe file name: ${reason}` });
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
  .refine((m) => new Set(m.files.map((f) => f.path.toLowerCase())).size === m.files.length, {
    message: 'files: duplicate path (case-insensitive, as on Windows)',
  });
export type PackManifest = z.infer<typeof PackManifest>;

/** A pack as the device sees it: the manifest and the device's lessons it belongs to. */
export const PackListing = z.object({ manifest: PackManifest, lessonIds: z.array(Id).max(5000) });
export type PackListing = z.infer<typeof PackListing>;

export const PacksResponse = z.object({ protocol: z.literal(PROTOCOL_VERSION), packs: z.array(PackListing).max(5000) });
export type PacksResponse = z.infer<typeof PacksResponse>;

export const ContentPaths = {
  /** Every pack attached to a lesson of the device's classroom. */
  packs: '/v1/content/packs',
  /** One stored file by its SHA-256 (content-addressed; served with Range, ETag, immutable). */
  blob: (sha256: string) => `/v1/content/blobs/${sha256}`,
} as const;

/** The manifest's file name in an exported pack folder. */
export const MANIFEST_FILE = 'manifest.json';
