// `npm run hub:ingest -- <folder> [--lesson <id>]... [--title <t>] [--kind recording|preview] [--id <pack-id>]`
// Ingests a folder into the hub's content store (HUB_DATA_DIR/content) and attaches it to lessons.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PackKind } from '../../src/shared/content-protocol.ts';
import { openDatabase } from '../core/db/open-database.ts';
import { ingestFolder } from '../features/content/ingest.ts';
import { loadOrCreatePackSigner } from '../core/signing/pack-signing.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { lesson: { type: 'string', multiple: true }, title: { type: 'string' }, kind: { type: 'string' }, id: { type: 'string' } },
});
const folder = positionals[0];
if (!folder) {
  console.error('usage: npm run hub:ingest -- <folder> [--lesson <id>]... [--title <title>] [--kind recording|preview] [--id <pack-id>]');
  process.exit(2);
}
const dataDir = process.env.HUB_DATA_DIR ?? join(import.meta.dirname, '..', 'data');
const contentDir = join(dataDir, 'content');
mkdirSync(contentDir, { recursive: true });
const db = openDatabase(join(dataDir, 'hub.sqlite'));
// The same key file the hub uses (made here if the hub never ran), so the pack is signed as the hub would sign it.
const { signer } = loadOrCreatePackSigner(dataDir);
try {
  const manifest = await ingestFolder(db, resolve(folder), {
    contentDir,
    signer,
    now: new Date(),
    log: (line) => console.log(line),
    ...(values.lesson ? { lessonIds: values.lesson } : {}),
    ...(values.title ? { title: values.title } : {}),
    ...(values.kind ? { kind: PackKind.parse(values.kind) } : {}),
    ...(values.id ? { packId: values.id } : {}),
  });
  console.log(`pack ${manifest.id} (${manifest.kind}): ${manifest.files.length} files${values.lesson ? `, attached to ${values.lesson.join(', ')}` : ''}`);
} catch (error) {
  console.error(`ingest failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.close();
}
