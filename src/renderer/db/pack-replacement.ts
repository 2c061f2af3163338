// When a pack id already stored arrives again (hub list or USB import): the same manifest only refreshes its lessons
// and signature; a different one replaces it only if it is newer and from the key that vouched for the stored one.
// Pure, so the rule has a table test; the repository applies it inside its transaction.
import { canonicalJson } from '../../shared/canonical-json.ts';
import type { PackManifest } from '../../shared/content-protocol.ts';
import type { PackRow } from './content-rows.ts';

export type PackUpdate = 'new' | 'same' | 'replace' | { refuse: 'pack_not_newer' | 'pack_other_source' };

export function decidePackUpdate(existing: Pick<PackRow, 'manifest' | 'signedBy'> | undefined, incoming: { manifest: PackManifest; signedBy: string | undefined }): PackUpdate {
  if (!existing) return 'new';
  if (canonicalJson(existing.manifest) === canonicalJson(incoming.manifest)) return 'same';
  // A row stored before packs were signed has no signer: a newer signed version may take its place.
  if (existing.signedBy !== undefined && existing.signedBy !== incoming.signedBy) return { refuse: 'pack_other_source' };
  if (!(Date.parse(incoming.manifest.createdAt) > Date.parse(existing.manifest.createdAt))) return { refuse: 'pack_not_newer' };
  return 'replace';
}
