// The gate between a feed and electron-updater. electron-updater fetches and trusts latest.yml on its own; before it
// may even look, main fetches the manifest and its signature itself and verifies both (release-trust.ts). For the hub
// electron-updater never reads the hub's latest.yml: it is pointed at a loopback feed (loopback-feed.ts) answering the
// manifest with exactly the verified bytes and passing the listed files through from the hub, so a hub that answers
// a second read differently (time of check, time of use) changes nothing. A folder release is already served that way
// and is read directly. What electron-updater read must still be the release that was verified (same version, files,
// sizes and sha512, which it then checks every download against), or nothing is offered.
import { signatureFileName, MAX_SIGNATURE_BYTES } from '../../shared/release-signature.ts';
import type { ReleaseManifest } from '../../shared/update-protocol.ts';
import { startLoopbackFeed, type FeedContent, type LoopbackFeed } from './loopback-feed.ts';
import type { UpdaterPort } from './update-controller.ts';
import { MAX_MANIFEST_BYTES, ReleaseRefusedError } from './release-manifest.ts';
import { verifyReleaseManifest } from './release-trust.ts';

/** What electron-updater read from the feed (its UpdateInfo, the fields that decide what is installed). */
export type FeedRelease = { version: string; files: Array<{ url: string; sha512: string; size?: number }> };

/** electron-updater behind a settable feed, as the adapter (electron-updater-port.ts) provides it. */
export type RawFeedUpdater = Omit<UpdaterPort, 'check'> & { setFeedUrl(url: string): void; check(): Promise<FeedRelease | null> };

/** `hub`: verified, then served to electron-updater through the loopback feed; `loopback`: a folder release's feed, already serving verified bytes. */
export type FeedKind = 'hub' | 'loopback';

export type FeedUpdaterPort = UpdaterPort & { setFeedUrl(url: string, kind: FeedKind): void; close(): Promise<void> };

export type VerifiedFeedDeps = {
  inner: RawFeedUpdater;
  /** Electron's net.fetch in the app (the pinned certificate applies); plain fetch in tests. */
  fetch: typeof fetch;
  trustedKeys: readonly string[];
  currentVersion: string;
  manifestName: string;
};

/** The body, or null on 404; at most `max` bytes (a feed cannot make the PC read an endless manifest). */
async function fetchBounded(fetchImpl: typeof fetch, url: string, max: number, tooLarge: 'manifest_too_large' | 'malformed_signature'): Promise<Buffer | null> {
  const response = await fetchImpl(url, { cache: 'no-store', headers: { 'cache-control': 'no-cache' } });
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    total += next.value.length;
    if (total > max) {
      await reader?.cancel();
      throw new ReleaseRefusedError(tooLarge, `${url} is larger than ${max} bytes`);
    }
    chunks.push(next.value);
  }
  return Buffer.concat(chunks);
}

function sameRelease(found: FeedRelease, manifest: ReleaseManifest): boolean {
  if (found.version !== manifest.version || found.files.length !== manifest.files.length) return false;
  return manifest.files.every((want, i) => {
    const got = found.files[i];
    return got !== undefined && got.url === want.url && got.sha512 === want.sha512 && got.size === want.size;
  });
}

export function createVerifiedFeedUpdater(deps: VerifiedFeedDeps): FeedUpdaterPort {
  let feed = '';
  let kind: FeedKind = 'hub';
  let verifiedVersion: string | null = null;
  let proxy: Promise<LoopbackFeed> | null = null;

  async function fetchAndVerify() {
    const manifestUrl = new URL(deps.manifestName, feed).href;
    const manifestBytes = await fetchBounded(deps.fetch, manifestUrl, MAX_MANIFEST_BYTES, 'manifest_too_large');
    if (!manifestBytes) throw new ReleaseRefusedError('missing_manifest', `${manifestUrl}: nothing published`);
    const signatureBytes = await fetchBounded(deps.fetch, new URL(signatureFileName(deps.manifestName), feed).href, MAX_SIGNATURE_BYTES, 'malformed_signature');
    const trusted = verifyReleaseManifest({ manifestName: deps.manifestName, manifestBytes, signatureBytes, trustedKeys: deps.trustedKeys, currentVersion: deps.currentVersion });
    return { trusted, manifestBytes, signatureBytes: signatureBytes ?? Buffer.alloc(0) };
  }

  /** Points electron-updater at the loopback feed now serving this verified hub release (one server, started once). */
  async function serveVerified(content: FeedContent): Promise<void> {
    if (proxy) {
      (await proxy).serve(content);
    } else {
      proxy = startLoopbackFeed(content);
      // A port that could not open is tried again at the next check, not remembered as the feed.
      await proxy.catch((error: unknown) => {
        proxy = null;
        throw error;
      });
    }
    deps.inner.setFeedUrl((await proxy).url);
  }

  return {
    setFeedUrl(url, feedKind) {
      feed = url;
      kind = feedKind;
      verifiedVersion = null;
      // The hub's URL never reaches electron-updater: it gets the loopback feed once a check verified what to serve.
      if (feedKind === 'loopback') deps.inner.setFeedUrl(url);
    },
    async check() {
      verifiedVersion = null;
      let read = await fetchAndVerify();
      // The hub writes latest.yml, then latest.yml.sig: a check between the two reads a pair that disagrees. Read
      // both once more before calling it a forgery.
      if (!read.trusted.ok && read.trusted.reason === 'bad_signature') read = await fetchAndVerify();
      const { trusted } = read;
      if (!trusted.ok) {
        // The feed offering the version already running is the normal "up to date", not a refusal.
        if (trusted.reason === 'same_version') return null;
        throw new ReleaseRefusedError(trusted.reason, trusted.detail);
      }
      if (kind === 'hub') {
        const files = { from: 'upstream', base: feed, fetch: deps.fetch, currentVersion: deps.currentVersion } as const;
        await serveVerified({ manifestName: deps.manifestName, manifest: trusted.manifest, manifestBytes: read.manifestBytes, signatureBytes: read.signatureBytes, files });
      }
      // A second guard: what electron-updater parsed must be the verified release.
      const found = await deps.inner.check();
      if (!found) return null; // not in this device's staged-rollout share yet
      if (!sameRelease(found, trusted.manifest)) {
        throw new ReleaseRefusedError('feed_changed', `the feed now offers ${found.version}, not the ${trusted.manifest.version} whose signature was verified`);
      }
      verifiedVersion = found.version;
      return { version: found.version };
    },
    async download() {
      if (verifiedVersion === null) throw new ReleaseRefusedError('feed_changed', 'no verified release to download; check again');
      await deps.inner.download();
    },
    cancelDownload: () => deps.inner.cancelDownload(),
    install: () => deps.inner.install(),
    async close() {
      const open = proxy;
      proxy = null;
      await (await open)?.close();
    },
  };
}
