// The hub's electron-updater feed over real HTTP: publish a generated release (real files, real sha512) with the CLI,
// then fetch latest.yml, the whole installer, one Range and a multi-range (differential download) request.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { dump, load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReleaseManifest } from '../../../src/shared/update-protocol.ts';
import { repoRoot } from '../../../tests/support/hub-process.ts';
import { sha512Base64, testPublisher, writeReleaseFixture, type ReleaseFixture } from '../../../tests/support/release-fixture.ts';
import { openDatabase } from '../../core/db/open-database.ts';
import type { SqliteDb } from '../../core/db/sqlite-db.ts';
import { createHub } from '../../county/create-hub.ts';
import { publishRelease } from './publish-release.ts';

const run = promisify(execFile);
let dir: string;
let db: SqliteDb;
let app: FastifyInstance;
let base: string;
let release: ReleaseFixture;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-updates-'));
  db = openDatabase(join(dir, 'hub.sqlite'));
  app = await createHub({ db, hubName: '测试中心', adminToken: 'admin-secret-for-tests-0123456789', updatesDir: join(dir, 'data', 'updates') });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  release = await writeReleaseFixture(join(dir, 'release'), { size: 300_000 });
  const keyFile = join(dir, 'release-signing-key.pem');
  await writeFile(keyFile, testPublisher.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  // The real command IT runs.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'hub/cli/publish-update.ts', release.dir, '--staging', '20', '--key', keyFile], {
    cwd: repoRoot,
    env: { ...process.env, HUB_DATA_DIR: join(dir, 'data') },
  });
  expect(stdout).toContain('published 0.2.0 to channel latest');
}, 60_000); // starts the CLI under tsx, slow when the machine is busy

afterAll(async () => {
  // Keep-alive sockets from the Node executor and fetch must not hold the shutdown.
  app.server.closeAllConnections();
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** Reads the body too, so no response holds a connection open at shutdown. */
async function statusOf(target: string, init: RequestInit = {}) {
  const res = await fetch(target, init);
  await res.arrayBuffer();
  return res.status;
}
const url = (file: string) => `${base}/updates/latest/${encodeURIComponent(file)}`;

describe('update feed', () => {
  it('serves latest.yml with the staging percentage set at publish time, never cached', async () => {
    const res = await fetch(`${url('latest.yml')}?noCache=1h2j3`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const manifest = ReleaseManifest.parse(load(await res.text()));
    expect(manifest).toMatchObject({ version: '0.2.0', stagingPercentage: 20, files: [{ url: release.installer, size: 300_000 }] });
  });

  it("is read by electron-updater's own GenericProvider (Node HTTP executor from electron-builder)", async () => {
    // The provider and executor electron-updater runs in the app, minus Electron's net module.
    const require = createRequire(import.meta.url);
    const { GenericProvider } = require('electron-updater/out/providers/GenericProvider') as {
      GenericProvider: new (config: object, updater: object, runtime: object) => {
        getLatestVersion(): Promise<{ version: string; files: Array<{ url: string; sha512: string }> }>;
        resolveFiles(info: object): Array<{ url: URL; info: { sha512: string } }>;
      };
    };
    const { NodeHttpExecutor } = require('builder-util/out/nodeHttpExecutor') as { NodeHttpExecutor: new () => object };
    const provider = new GenericProvider({ provider: 'generic', url: `${base}/updates/latest/` }, { channel: null, isAddNoCacheQuery: true }, { isUseMultipleRangeRequest: true, platform: 'win32', executor: new NodeHttpExecutor() });
    const info = await provider.getLatestVersion();
    expect(info.version).toMatch(/^0\.[23]\.0$/);
    const [file] = provider.resolveFiles(info);
    expect(file?.url.href).toMatch(new RegExp(`^${base}/updates/latest/yunketang-receiver-setup-${info.version}\\.exe$`));
    const bytes = Buffer.from(await (await fetch(file?.url ?? '')).arrayBuffer());
    expect(sha512Base64(bytes)).toBe(file?.info.sha512);
  });

  it('serves the whole installer, byte for byte', async () => {
    const res = await fetch(url(release.installer));
    expect(res.status).toBe(200);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(sha512Base64(Buffer.from(await res.arrayBuffer()))).toBe(sha512Base64(release.installerBytes));
  });

  it('serves one Range (resumed download)', async () => {
    const res = await fetch(url(release.installer), { headers: { range: 'bytes=1000-1999' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 1000-1999/300000');
    expect(Buffer.from(await res.arrayBuffer()).equals(release.installerBytes.subarray(1000, 2000))).toBe(true);
    const tail = await fetch(url(release.installer), { headers: { range: 'bytes=299990-' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(release.installerBytes.subarray(299_990))).toBe(true);
  });

  it('answers several ranges as multipart/byteranges, the way electron-updater asks for a differential download', async () => {
    const res = await fetch(url(release.installer), { headers: { range: 'bytes=0-99, 5000-5099, 299900-299999' } });
    expect(res.status).toBe(206);
    const type = res.headers.get('content-type') ?? '';
    const boundary = /boundary=(\S+)/.exec(type)?.[1] ?? '';
    expect(type).toMatch(/^multipart\/byteranges; boundary=/);
    const body = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    const parts = body.toString('latin1').split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(3);
    const expected = [
      [0, 99],
      [5000, 5099],
      [299_900, 299_999],
    ] as const;
    parts.forEach((part, i) => {
      const [start, end] = expected[i] ?? [0, 0];
      const [head, ...rest] = part.split('\r\n\r\n');
      expect(head).toContain(`Content-Range: bytes ${start}-${end}/300000`);
      const data = Buffer.from(rest.join('\r\n\r\n').replace(/\r\n$/, ''), 'latin1');
      expect(data.equals(release.installerBytes.subarray(start, end + 1))).toBe(true);
    });
  });

  it("is split correctly by electron-updater's own multipart parser (DataSplitter)", async () => {
    const require = createRequire(import.meta.url);
    const { DataSplitter } = require('electron-updater/out/differentialDownloader/DataSplitter') as {
      DataSplitter: new (out: Writable, options: object, partToTask: Map<number, number>, boundary: string, lengths: number[], done: () => void, total: number, onProgress: undefined) => Writable;
    };
    const ranges = [
      [0, 65_535],
      [100_000, 100_099],
      [250_000, 299_999],
    ] as const;
    const res = await fetch(url(release.installer), { headers: { range: `bytes=${ranges.map(([a, b]) => `${a}-${b}`).join(', ')}` } });
    const boundary = /boundary=(\S+)/.exec(res.headers.get('content-type') ?? '')?.[1] ?? '';
    const chunks: Buffer[] = [];
    const out = new Writable({ write: (chunk: Buffer, _enc, cb) => (chunks.push(chunk), cb()) });
    const tasks = ranges.map(([start, end]) => ({ kind: 1 /* DOWNLOAD */, start, end: end + 1 }));
    const lengths = ranges.map(([a, b]) => b - a + 1);
    const finished = new Promise<void>((resolve, reject) => {
      const splitter = new DataSplitter(out, { tasks, start: 0, end: tasks.length, oldFileFd: -1 }, new Map([[0, 0], [1, 1], [2, 2]]), boundary, lengths, resolve, lengths.reduce((a, b) => a + b), undefined);
      splitter.on('error', reject);
      Readable.fromWeb(res.body as never).pipe(splitter);
    });
    await finished;
    const expected = Buffer.concat(ranges.map(([a, b]) => release.installerBytes.subarray(a, b + 1)));
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
  });

  it('serves the blockmap and refuses what is not in the feed', async () => {
    expect(await statusOf(url(`${release.installer}.blockmap`))).toBe(200);
    expect(await statusOf(url(release.installer), { headers: { range: 'bytes=400000-' } })).toBe(416);
    for (const path of ['/updates/latest/..%2Fhub.sqlite', '/updates/latest/.hidden', '/updates/nightly/latest.yml', '/updates/latest/missing.exe', '/updates/..%2F..%2Fhub.sqlite/x']) {
      expect(await statusOf(`${base}${path}`), path).toBe(404);
    }
  });

  it('publishing refuses a release whose installer does not match latest.yml, and leaves the feed as it was', async () => {
    const bad = await writeReleaseFixture(join(dir, 'bad'), { version: '0.3.0' });
    await writeFile(join(bad.dir, bad.installer), Buffer.alloc(bad.installerBytes.length));
    const before = await readdir(join(dir, 'data', 'updates', 'latest'));
    await expect(publishRelease(bad.dir, join(dir, 'data', 'updates'), { key: testPublisher })).rejects.toThrow(/sha512 does not match/);
    expect(await readdir(join(dir, 'data', 'updates', 'latest'))).toEqual(before);
    const manifest = ReleaseManifest.parse(load(await (await fetch(url('latest.yml'))).text()));
    expect(manifest.version).toBe('0.2.0');
  });

  it.each([
    ['anchors and aliases', (text: string) => text.replace(/^version: (.*)$/m, 'version: &v $1\nreleaseName: *v'), /yaml_reference/],
    ['an unknown key', (text: string) => `${text}updaterCacheDirName: x\n`, /releaseManifest|unrecognized|updaterCacheDirName/i],
  ])('publishing refuses a source latest.yml with %s (a classroom would refuse it), and leaves the feed as it was', async (_what, edit, error) => {
    const odd = await writeReleaseFixture(join(dir, `odd-${_what.length}`), { version: '0.3.0' });
    await writeFile(join(odd.dir, 'latest.yml'), edit(dump(odd.manifest)), 'utf8');
    const before = await readdir(join(dir, 'data', 'updates', 'latest'));
    await expect(publishRelease(odd.dir, join(dir, 'data', 'updates'), { key: testPublisher })).rejects.toThrow(error);
    expect(await readdir(join(dir, 'data', 'updates', 'latest'))).toEqual(before);
  });

  it('a newer release keeps the older installer and blockmap (differential downloads need the old blockmap)', async () => {
    const next = await writeReleaseFixture(join(dir, 'next'), { version: '0.3.0' });
    await publishRelease(next.dir, join(dir, 'data', 'updates'), { key: testPublisher });
    const files = await readdir(join(dir, 'data', 'updates', 'latest'));
    expect(files).toEqual(expect.arrayContaining([release.installer, `${release.installer}.blockmap`, next.installer, 'latest.yml']));
    expect(ReleaseManifest.parse(load(await (await fetch(url('latest.yml'))).text())).version).toBe('0.3.0');
  });
});
