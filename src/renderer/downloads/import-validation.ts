// The checks of a USB / LAN import that need no stored data: the manifest's text and shape, every name (the folder's and
// the manifest's, by the shared name rules), presence and sizes, the hub's signature, and every chunk and whole-file
// hash. Each failure is a named refusal; nothing here writes anything.
import { createSHA256, sha256 } from 'hash-wasm';
import { MANIFEST_FILE, manifestRefusalOf, PackListing, type ContentFile } from '../../shared/content-protocol.ts';
import { brokenNameRule, findNameClash } from '../../shared/safe-names.ts';
import { refuse } from './import-refusal.ts';
import { verifyPackSignature } from './pack-signature.ts';

export type FolderEntry = { path: string; size: number };
/** Who vouches for packs on this PC: the key of the hub it is enrolled with (undefined: enrolled before signing). */
export type ImportTrust = { enrolled: boolean; hubKey: string | undefined };

export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

function manifestPaths(json: unknown): string[] {
  const files = (json as { manifest?: { files?: unknown } } | null)?.manifest?.files;
  return Array.isArray(files) ? files.map((f) => (f as { path?: unknown } | null)?.path).filter((p): p is string => typeof p === 'string') : [];
}

/** unsafe_name carries the rule broken as its detail, duplicate_name the other name. */
function checkNames(paths: string[]) {
  for (const path of paths) {
    const rule = brokenNameRule(path);
    if (rule) refuse('unsafe_name', path, rule);
  }
  const clash = findNameClash(paths);
  if (clash) refuse('duplicate_name', clash.path, clash.other);
}

/** Manifest text → listing, with every name of the folder and the manifest checked first (so the refusal is named). */
export function parsePackFolder(manifestBytes: Uint8Array, entries: FolderEntry[]): PackListing {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
  } catch (error) {
    return refuse('manifest_not_json', MANIFEST_FILE, error instanceof Error ? error.message : String(error));
  }
  checkNames(entries.map((e) => e.path));
  checkNames(manifestPaths(json));
  const parsed = PackListing.safeParse(json);
  if (!parsed.success) {
    const named = manifestRefusalOf(parsed.error);
    if (named) return refuse(named.refusal, named.path, named.other);
    const issue = parsed.error.issues[0];
    return refuse('manifest_invalid', MANIFEST_FILE, issue ? `${issue.path.join('.')}: ${issue.message}` : undefined);
  }
  const sizes = new Map(entries.map((e) => [e.path, e.size]));
  for (const f of parsed.data.manifest.files) {
    const size = sizes.get(f.path);
    if (size === undefined) refuse('file_missing', f.path);
    if (size !== f.size) refuse('size_mismatch', f.path, `${size} bytes, the manifest says ${f.size}`);
  }
  return parsed.data;
}

/** The hub this PC is enrolled with must have signed exactly this manifest. */
export async function checkSignature(listing: PackListing, trust: ImportTrust): Promise<string> {
  if (!trust.enrolled) return refuse('not_enrolled');
  if (!trust.hubKey) return refuse('hub_key_unknown');
  if (!listing.signature) return refuse('signature_missing', MANIFEST_FILE);
  if (!(await verifyPackSignature(listing.manifest, listing.signature, trust.hubKey))) return refuse('signature_invalid', MANIFEST_FILE);
  return trust.hubKey;
}

/** Reads and hashes every chunk and the whole file; the first mismatch refuses the whole import. */
export async function verifyFileBytes(file: ContentFile, read: (start: number, end: number) => Promise<Uint8Array>, onBytes: (n: number) => void = () => undefined): Promise<Blob[]> {
  const whole = await createSHA256();
  whole.init();
  const parts: Blob[] = [];
  for (let i = 0; i < file.chunks.length; i++) {
    const start = i * file.chunkSize;
    const end = Math.min(start + file.chunkSize, file.size);
    const bytes = await read(start, end);
    if ((await sha256(bytes)) !== file.chunks[i]) refuse('chunk_mismatch', file.path, `chunk ${i}`);
    whole.update(bytes);
    parts.push(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    onBytes(bytes.length);
  }
  if (whole.digest('hex') !== file.sha256) refuse('hash_mismatch', file.path);
  return parts;
}

/**
 * The verified bytes cut at another chunking (a file already stored, partly, under another chunk size keeps its own):
 * null if a piece does not match that chunking's hash, so nothing is written under it.
 */
export async function rechunk(whole: Blob, chunkSize: number, expected: readonly string[]): Promise<Blob[] | null> {
  if (Math.ceil(whole.size / chunkSize) !== expected.length) return null;
  const parts: Blob[] = [];
  for (let i = 0; i < expected.length; i++) {
    const part = whole.slice(i * chunkSize, Math.min((i + 1) * chunkSize, whole.size));
    if ((await sha256(new Uint8Array(await part.arrayBuffer()))) !== expected[i]) return null;
    parts.push(part);
  }
  return parts;
}
