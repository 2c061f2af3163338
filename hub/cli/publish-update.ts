// `npm run hub:publish-update -- <release folder> [--channel latest|beta] [--staging <percent>]`: puts an
// electron-builder release into the hub's update feed (HUB_DATA_DIR/updates/<channel>/).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UpdateChannel } from '../../src/shared/update-protocol.ts';
import { publishRelease } from '../updates/publish-release.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { channel: { type: 'string', default: 'latest' }, staging: { type: 'string' } },
});
const source = positionals[0];
if (!source) {
  console.error('usage: npm run hub:publish-update -- <release folder> [--channel latest|beta] [--staging 10]');
  process.exit(2);
}
const dataDir = process.env.HUB_DATA_DIR ?? join(import.meta.dirname, '..', 'data');
const staging = values.staging === undefined ? undefined : z.coerce.number().int().min(0).max(100).parse(values.staging);
try {
  const result = await publishRelease(source, join(dataDir, 'updates'), {
    channel: UpdateChannel.parse(values.channel),
    ...(staging === undefined ? {} : { stagingPercentage: staging }),
  });
  console.log(`published ${result.version} to channel ${result.channel}: ${[...result.manifests, ...result.files].join(', ')}`);
  console.log(`feed: <hub>/updates/${result.channel}/`);
} catch (error) {
  console.error(`publish refused: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
