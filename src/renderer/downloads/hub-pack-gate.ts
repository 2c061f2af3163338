// The hub's pack list passes here before anything of it is stored: each pack must carry a signature by the key this PC
// holds for its hub (from enrollment; a PC enrolled before packs were signed learns it once from this list, over the
// same channel it enrolled on). A pack that fails is left out and named; the others are stored as usual.
import { manifestRefusalOf, PackListing, type ReceivedPacks } from '../../shared/content-protocol.ts';
import type { AppDb } from '../db/app-db.ts';
import { savePackListings } from '../db/content-repo.ts';
import { verifyPackSignature } from './pack-signature.ts';

export type PackKeyStore = { get(): string | undefined; learn(key: string): Promise<void> };

/** Problems the download status shows (i18n content.packListProblem.*). */
export type PackListProblem =
  | 'hub_key_unknown'
  | 'hub_key_changed'
  | 'manifest_invalid'
  | 'chunking_conflict'
  | 'signature_missing'
  | 'signature_invalid'
  | 'pack_not_newer'
  | 'pack_other_source';

/** Stores what verifies; returns the first problem to show, or null when every pack was taken. */
export async function storeHubPackList(db: AppDb, response: ReceivedPacks, keys: PackKeyStore): Promise<PackListProblem | null> {
  let key = keys.get();
  if (!key && response.signingKey) {
    await keys.learn(response.signingKey);
    key = response.signingKey;
  }
  if (!key) return response.packs.length > 0 ? 'hub_key_unknown' : null;
  const problems: PackListProblem[] = [];
  // A new key on the hub's side (its key file lost or replaced) must not be taken silently: re-enrolling decides.
  if (response.signingKey && response.signingKey !== key) problems.push('hub_key_changed');
  const verified = [];
  for (const raw of response.packs) {
    // Each pack through the one contract (PackListing), so a manifest that contradicts itself is refused by name.
    const parsed = PackListing.safeParse(raw);
    if (!parsed.success) {
      problems.push(manifestRefusalOf(parsed.error)?.refusal ?? 'manifest_invalid');
      continue;
    }
    const listing = parsed.data;
    if (!listing.signature) problems.push('signature_missing');
    else if (!(await verifyPackSignature(listing.manifest, listing.signature, key))) problems.push('signature_invalid');
    else verified.push(listing);
  }
  const refused = await savePackListings(db, verified, 'hub', key);
  problems.push(...refused.map((r) => r.code));
  return problems[0] ?? null;
}
