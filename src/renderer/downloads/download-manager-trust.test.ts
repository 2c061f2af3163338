// The download manager with the pack-list gate, against a real HTTP server: a list whose signatures do not verify
// against the PC's key stores nothing and fetches nothing, and says why; once the list verifies, the problem clears and
// the file downloads.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startContentTestServer, type ContentTestServer } from '../../../tests/support/content-test-server.ts';
import { testSigner } from '../../../tests/support/pack-kit.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { createHubClient } from '../sync/hub-client.ts';
import { createDownloadManager, type DownloadManager, type DownloadStatus } from './download-manager.ts';
import { storeHubPackList } from './hub-pack-gate.ts';

let server: ContentTestServer;
let db: AppDb;
let manager: DownloadManager | null = null;
beforeEach(async () => {
  server = await startContentTestServer(200_000);
  db = openAppDb(`dl-trust-${crypto.randomUUID()}`);
});
afterEach(async () => {
  manager?.stop();
  await server.close();
  await db.delete();
});

const until = async (probe: () => Promise<boolean> | boolean, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('download manager with signed pack lists', () => {
  it('stores and fetches nothing from a list signed by another key, names it, then recovers with the right key', async () => {
    let key = testSigner().key;
    const statuses: DownloadStatus[] = [];
    manager = createDownloadManager({
      db,
      hub: createHubClient({ baseUrl: server.url, token: 'device-token-0123456789' }),
      now: () => new Date(),
      refreshEveryMs: 50,
      storePackList: (response) => storeHubPackList(db, response, { get: () => key, learn: () => Promise.resolve() }),
      report: (s) => statuses.push(s),
    });
    manager.start();
    await until(() => statuses.some((s) => s.lastError === 'signature_invalid'));
    expect(await db.packs.count()).toBe(0);
    expect(await db.contentFiles.count()).toBe(0);
    expect(server.ranges).toEqual([]);

    key = server.packKey;
    manager.refresh();
    await until(async () => (await db.contentFiles.get(server.listing.manifest.files[0]?.sha256 ?? ''))?.state === 'complete');
    expect(manager.status().lastError).toBeNull();
  });
});
