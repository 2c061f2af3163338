// Child process: one classroom PC's content downloads without the browser — the real renderer download manager, pack
// gate and edge route over fake-indexeddb under Node — pointed at the county hub with a school edge set. Prints a JSON
// status line every STATUS_EVERY_MS (200 by default; files complete, chunks, which server content comes from).
import 'fake-indexeddb/auto';
import { openAppDb } from '../../src/renderer/db/app-db.ts';
import { createDownloadManager } from '../../src/renderer/downloads/download-manager.ts';
import { storeHubPackList } from '../../src/renderer/downloads/hub-pack-gate.ts';
import { createEdgeRoute } from '../../src/renderer/sync/edge-route.ts';
import { createHubClient } from '../../src/renderer/sync/hub-client.ts';

const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} not set`); })();
const countyUrl = env('COUNTY_URL');
const packKey = env('PACK_KEY');
const db = openAppDb(`classroom-${process.pid}`);
const route = createEdgeRoute({ countyUrl, edgeUrl: process.env.EDGE_URL || null, fetch, now: () => Date.now() });
const maxBytesPerSecond = process.env.MAX_BPS ? Number(process.env.MAX_BPS) : null;
const manager = createDownloadManager({
  db,
  hub: createHubClient({ baseUrl: countyUrl, token: env('TOKEN') }).withContentFetch(route.fetch),
  now: () => new Date(),
  storePackList: (response) => storeHubPackList(db, response, { get: () => packKey, learn: () => Promise.resolve() }),
  refreshEveryMs: 2_000,
  maxBytesPerSecond,
});
manager.start();
const started = Date.now();
setInterval(() => {
  void (async () => {
    const files = await db.contentFiles.toArray();
    const chunks = await db.contentChunks.count();
    const status = manager.status();
    console.log(
      JSON.stringify({
        ms: Date.now() - started,
        files: files.length,
        complete: files.filter((f) => f.state === 'complete').length,
        chunks,
        using: route.state().using,
        problem: route.state().problem,
        lastError: status.lastError,
      }),
    );
  })();
}, Number(process.env.STATUS_EVERY_MS ?? 200));
process.once('SIGTERM', () => process.exit(0));
