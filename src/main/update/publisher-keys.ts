// The publisher keys this build trusts for releases, baked in at build time: esbuild bundles
// resources/publisher-keys.json into main.cjs, so a key cannot be added to an installed app without a signed update.
// Tests never use these; they make their own key pair and pass it in.
import baked from '../../../resources/publisher-keys.json' with { type: 'json' };
import { z } from 'zod';
import { PublisherPublicKey } from '../../shared/release-signature.ts';

export const PublisherKeysFile = z.object({
  about: z.string().optional(),
  keys: z.array(z.object({ publicKey: PublisherPublicKey, name: z.string().min(1).max(200), addedAt: z.string().max(40) })).max(20),
});
export type PublisherKeysFile = z.infer<typeof PublisherKeysFile>;

/** The baked-in public keys (base64url); an empty list makes every release refused as `no_publisher_key`. */
export function bakedPublisherKeys(): string[] {
  return PublisherKeysFile.parse(baked).keys.map((k) => k.publicKey);
}
