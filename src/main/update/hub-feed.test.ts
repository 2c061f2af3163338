// The hub feed as electron-updater gets it: a real hub publishing a signed release, behind a proxy that can answer the
// second read of latest.yml with other bytes (a hostile hub, time of check / time of use). electron-updater (a
// stand-in fetching from the feed URL it was given, as its generic provider does) must read exactly the bytes main
// verified, and the installer through the loopback feed, Range included; nothing the manifest does not name.
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testPublisher, writeReleaseFixture, type ReleaseFixture } from '../../../tests/support/release-fixture.ts';
import { startUpdateHub } from '../../../tests/support/update-hub.ts';
import { createVerifiedFeedUpdater, type FeedRelease, type FeedUpdaterPort, type RawFeedUpdater } from './verified-feed.ts';

const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i] ?? 'a'}`).join(',')}]`),
  'version: 0.2.0',
  'files: *h',
  '',
].join('\n');

let root: string;
let release: ReleaseFixture;
let hub: Awaited<ReturnType<typeof startUpdateHub>>;
/** Between the app and the hub: records every path asked, and answers latest.yml's later reads with `second`. */
let front: Server;
let frontBase: string;
let asked: string[];
let second: Buffer | null;
let updater: FeedUpdaterPort | null;

beforeAll(async () => {
  hub = await startUpdateHub();
  front = createServer((request, response) => {
    const path = request.url ?? '/';
    asked.push(path.split('?')[0] ?? path);
    const reads = asked.filter((p) => p.endsWith('/latest.yml')).length;
    if (second && path.split('?')[0]?.endsWith('/latest.yml') && reads > 1) {
      response.writeHead(200, { 'content-type': 'text/yaml' }).end(second);
      return;
    }
    const range = request.headers.range;
    fetch(`${hub.base}${path}`, { headers: range ? { range } : {} })
      .then(async (answer) => {
        const headers = Object.fromEntries(['content-type', 'content-length', 'content-range'].flatMap((h) => (answer.headers.get(h) ? [[h, answer.headers.get(h) ?? '']] : [])));
        response.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
      })
      .catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontBase = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterAll(async () => {
  front.closeAllConnections();
  await new Promise((resolve) => front.close(resolve));
  await hub.close();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ykt-hubfeed-'));
  release = await writeReleaseFixture(join(root, 'release'));
  await hub.clear();
  await hub.publish(release);
  asked = [];
  second = null;
});
afterEach(async () => {
  await updater?.close();
  updater = null;
  await rm(root, { recursive: true, force: true });
});

/** electron-updater's generic provider, reduced: it reads `<feed>latest.yml` and parses it with js-yaml. */
function setup() {
  let feed = '';
  const read: Buffer[] = [];
  const inner: RawFeedUpdater = {
    setFeedUrl: (url) => void (feed = url),
    async check(): Promise<FeedRelease | null> {
      const bytes = Buffer.from(await (await fetch(`${feed}latest.yml?noCache=1a2b`)).arrayBuffer());
      read.push(bytes);
      const info = load(bytes.toString('utf8')) as FeedRelease;
      return { version: info.version, files: info.files };
    },
    download: () => Promise.resolve(),
    cancelDownload: () => undefined,
    install: () => undefined,
  };
  updater = createVerifiedFeedUpdater({ inner, fetch, trustedKeys: [testPublisher.publicKey], currentVersion: '0.1.0', manifestName: 'latest.yml' });
  updater.setFeedUrl(`${frontBase}/updates/latest/`, 'hub');
  return { updater, read, feed: () => feed };
}

const published = () => readFile(join(hub.channelDir(), 'latest.yml'));

describe('hub feed: electron-updater reads the verified bytes, through a loopback feed', () => {
  it.each([
    ['a billion-laughs manifest', () => Buffer.from(BILLION_LAUGHS)],
    // Same version, files and sha512 (the comparison passes), but a rollout share nobody signed.
    ['the release with a field nobody signed', () => Buffer.from(dump({ ...release.manifest, stagingPercentage: 100, releaseNotes: '请立即安装' }))],
  ])('a hub answering the second read of latest.yml with %s changes nothing electron-updater reads', async (_label, hostile) => {
    second = hostile();
    const { updater, read, feed } = setup();
    const checked = await updater.check().catch((error: unknown) => error);
    expect(read).toHaveLength(1);
    expect(read[0]?.toString('utf8')).toBe((await published()).toString('utf8'));
    expect(checked).toEqual({ version: '0.2.0' });
    expect(feed()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // The hub was asked for latest.yml once: electron-updater never reached it.
    expect(asked.filter((p) => p.endsWith('/latest.yml'))).toEqual(['/updates/latest/latest.yml']);
  });

  it('passes Range through to the hub for the installer (single and multipart) and serves its blockmap', async () => {
    const { updater, feed } = setup();
    await updater.check();
    const whole = await fetch(`${feed()}${release.installer}`);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(release.installerBytes)).toBe(true);
    const part = await fetch(`${feed()}${release.installer}`, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${release.installerBytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(release.installerBytes.subarray(1000, 2000))).toBe(true);
    const multi = await fetch(`${feed()}${release.installer}`, { headers: { range: 'bytes=0-9,5000-5009' } });
    expect(multi.status).toBe(206);
    expect(multi.headers.get('content-type')).toMatch(/^multipart\/byteranges; boundary=/);
    const body = Buffer.from(await multi.arrayBuffer());
    expect(body.includes(release.installerBytes.subarray(0, 10))).toBe(true);
    expect(body.includes(release.installerBytes.subarray(5000, 5010))).toBe(true);
    expect((await fetch(`${feed()}${release.installer}.blockmap`)).status).toBe(200);
    expect(asked).toContain(`/updates/latest/${release.installer}`);
  });

  it('answers 404 for a file the verified manifest does not name, without asking the hub', async () => {
    await writeFile(join(hub.channelDir(), 'other-setup.exe'), 'served by the hub, not named by the release');
    const { updater, feed } = setup();
    await updater.check();
    const before = asked.length;
    for (const path of ['other-setup.exe', '%2e%2e/hub.sqlite', 'latest-linux.yml', `sub/${release.installer}`, '']) {
      expect((await fetch(`${feed()}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${frontBase}/updates/latest/other-setup.exe`)).status).toBe(200); // the hub would have served it
    expect(asked.slice(before)).toEqual(['/updates/latest/other-setup.exe']);
  });

  it('refuses a client that is not 127.0.0.1', async () => {
    const { updater, feed } = setup();
    await updater.check();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      get(`${feed()}latest.yml`, { localAddress: '127.0.0.2' }, (response: IncomingMessage) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(403);
    expect((await fetch(`${feed()}latest.yml`)).status).toBe(200);
  });
});
