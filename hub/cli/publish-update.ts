// `npm run hub:publish-update -- <release folder> [--channel latest|beta] [--staging <percent>] [--key <file>]`: puts an
// electron-builder release into the hub's update feed (HUB_DATA_DIR/updates/<channel>/), each manifest signed with the
// publisher's key (default: HUB_RELEASE_KEY, else ~/.config/yunketang/release-signing-key.pem; `npm run hub:keygen`).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UpdateChannel } from '../../src/shared/update-protocol.ts';
import { publishRelease } from '../features/updates/publish-release.ts';
import { defaultPublisherKeyPath, loadPublisherKey } from '../features/updates/release-signing.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { channel: { type: 'string', default: 'latest' }, staging: { type: 'string' }, key: { type: 'string' } },
});
const source = positionals[0];
if (!source) {
  console.error('usage: npm run hub:publish-update -- <release folder> [--channel latest|beta] [--staging 10] [--key <private key file>]');
  process.exit(2);
}
const dataDir = process.env.HUB_DATA_DIR ?? join(import.meta.dirname, '..', 'data');
const keyPath = values.key ?? defaultPublisherKeyPath();
try {
  const staging = values.staging === undefined ? undefined : z.coerce.number().int().min(0).max(100).parse(values.staging);
  const key = await loadPublisherKey(keyPath).catch((error: unknown) => {
    throw new Error(`cannot read the signing key ${keyPath} (${error instanceof Error ? error.message : String(error)}); make one with npm run hub:keygen`);
  });
  const result = await publishRelease(source, join(dataDir, 'updates'), {
    channel: UpdateChannel.parse(values.channel),
    key,
    ...(staging === undefined ? {} : { stagingPercentage: staging }),
  });
  console.log(`published ${result.version} to channel ${result.channel}: ${[...result.manifests, ...result.files].join(', ')}`);
  console.log(`signed with publisher key ${result.publicKey} (the app must carry it: resources/publisher-keys.json)`);
  console.log(`feed: <hub>/updates/${result.channel}/  ·  for a USB stick, copy ${join(dataDir, 'updates', result.channel)}`);
} catch (error) {
  console.error(`publish refused: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
