// USB / LAN import of an exported pack folder (manifest.json + files). Everything is checked before anything is stored:
// the manifest must be JSON of the right shape with safe names, every file must be present with exactly the declared
// size, and every chunk and whole-file hash must match. Pure: the caller passes the folder's entries and a reader.
import { createSHA256, sha256 } from 'hash-wasm';
import { MANIFEST_FILE, PackListing, unsafePathReason, type ContentFile } from '../../shared/content-protocol.ts';

export type FolderEntry = { path: string; size: number };
export type ImportCheck = { ok: true; listing: PackListing } | { ok: false; reason: string };

/** Structure only (no bytes read): manifest parse, safe names, presence and sizes. */
export function checkPackFolder(manifestText: string | undefined, entries: FolderEntry[]): ImportCheck {
  if (manifestText === undefined) return { ok: false, reason: `${MANIFEST_FILE} is missing` };
  let json: unknown;
  try {
    json = JSON.parse(manifestText);
  } catch {
    return { ok: false, reason: `${MANIFEST_FILE} is not JSON` };
  }
  const parsed = PackListing.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${MANIFEST_FILE}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}` };
  }
  for (const entry of entries) {
    const unsafe = unsafePathReason(entry.path);
    if (unsafe) return { ok: false, reason: `file name ${JSON.stringify(entry.path)} ${unsafe}` };
  }
  const sizes = new Map(entries.map((e) => [e.path, e.size]));
  for (const f of parsed.data.manifest.files) {
    const size = sizes.get(f.path);
    if (size === undefined) return { ok: false, reason: `${f.path} is missing` };
    if (size !== f.size) return { ok: false, reason: `${f.path} has ${size} bytes, the manifest says ${f.size}` };
  }
  return { ok: true, listing: parsed.data };
}

/** Reads and hashes every chunk and the whole file; the first mismatch refuses the whole import. */
export async function verifyFileBytes(file: ContentFile, read: (start: number, end: number) => Promise<Uint8Array>): Promise<Blob[] | string> {
  const whole = await createSHA256();
  whole.init();
  const parts: Blob[] = [];
  for (let i = 0; i < file.chunks.length; i++) {
    const start = i * file.chunkSize;
    const end = Math.min(start + file.chunkSize, file.size);
    const bytes = await read(start, end);
    if (bytes.length !== end - start) return `${file.path} is truncated at byte ${start + bytes.length}`;
    if ((await sha256(bytes)) !== file.chunks[i]) return `${file.path}: chunk ${i} does not match its SHA-256`;
    whole.update(bytes);
    parts.push(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  }
  if (whole.digest('hex') !== file.sha256) return `${file.path} does not match its SHA-256`;
  return parts;
}
