// A real hub serving an update feed, for the app's update tests (main's tests may not import hub/ themselves): temp
// SQLite, random loopback port, releases published and signed by the real publisher.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../hub/core/db/open-database.ts';
import { createHub } from '../../hub/county/create-hub.ts';
import { publishRelease } from '../../hub/features/updates/publish-release.ts';
import type { PublisherKey } from '../../hub/features/updates/release-signing.ts';
import { testPublisher, type ReleaseFixture } from './release-fixture.ts';

export async function startUpdateHub() {
  const dir = await mkdtemp(join(tmpdir(), 'ykt-update-hub-'));
  const db = openDatabase(join(dir, 'hub.sqlite'));
  const updatesDir = join(dir, 'updates');
  const app = await createHub({ db, hubName: '测试中心', adminToken: 'admin-secret-for-tests-0123456789', updatesDir });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    base,
    /** The channel folder the hub serves, for tests that damage what was published. */
    channelDir: (channel = 'latest') => join(updatesDir, channel),
    publish: (fixture: ReleaseFixture, key: PublisherKey = testPublisher) => publishRelease(fixture.dir, updatesDir, { key }),
    clear: () => rm(updatesDir, { recursive: true, force: true }),
    async close() {
      app.server.closeAllConnections();
      await app.close();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
