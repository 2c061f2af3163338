// `npm run hub:keygen -- [--out <file>] [--trust] [--name <who>] [--force]`: makes the publisher's Ed25519 key pair for
// signing releases. The private key goes to --out (default HUB_RELEASE_KEY or ~/.config/yunketang/release-signing-key.pem),
// never into a git checkout; the public key is printed, and with --trust added to resources/publisher-keys.json, which
// the app bakes in at build time.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeNewPublisherKey, trustPublicKey } from '../features/updates/publisher-keygen.ts';
import { defaultPublisherKeyPath } from '../features/updates/release-signing.ts';

const { values } = parseArgs({
  options: { out: { type: 'string' }, trust: { type: 'boolean', default: false }, name: { type: 'string' }, force: { type: 'boolean', default: false } },
});
try {
  const { path, publicKey } = await writeNewPublisherKey(values.out ?? defaultPublisherKeyPath(), { force: values.force });
  console.log(`private key: ${path} (keep it secret and backed up; it signs every release)`);
  console.log(`public key:  ${publicKey}`);
  if (values.trust) {
    const keysFile = join(import.meta.dirname, '..', '..', 'resources', 'publisher-keys.json');
    const added = await trustPublicKey(keysFile, publicKey, values.name ?? `publisher@${hostname()}`, new Date());
    console.log(added ? `added to ${keysFile}; rebuild the app (npm run build) so it trusts this key` : `already in ${keysFile}`);
  } else {
    console.log('to make the app trust it: add it to resources/publisher-keys.json (--trust does that when the key is made), then rebuild');
  }
} catch (error) {
  console.error(`keygen refused: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
