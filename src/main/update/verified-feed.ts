// The gate between a feed and electron-updater. electron-updater fetches and trusts latest.yml on its own; before it
// may even look, main fetches the manifest and its signature itself and verifies both (release-trust.ts). Only then
// does electron-updater check, and what it read must be the release that was verified (same version, files, sizes and
// sha512, which it then checks every download against), or nothing is offered. Used for the hub's feed and for a
// folder served on loopback alike.
import { signatureFileName, MAX_SIGNATURE_BYTES } from '../../shared/release-signature.ts';
import type { ReleaseManifest } from '../../shared/update-protocol.ts';
import type { UpdaterPort } from './update-controller.ts';
import { MAX_MANIFEST_BYTES, ReleaseRefusedError } from './release-manifest.ts';
import { verifyReleaseManifest } from './release-trust.ts';

/** What electron-updater read from the feed (its UpdateInfo, the fields that decide what is installed). */
export type FeedRelease = { version: string; files: Array<{ url: string; sha512: string; size?: number }> };

/** electron-updater behind a settable feed, as the adapter (electron-updater-port.ts) provides it. */
export type RawFeedUpdater = Omit<UpdaterPort, 'check'> & { setFeedUrl(url: string): void; check(): Promise<FeedRelease | null> };

export type FeedUpdaterPort = UpdaterPort & { setFeedUrl(url: string): void };

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
  let verifiedVersion: string | null = null;

  async function fetchAndVerify() {
    const manifestUrl = new URL(deps.manifestName, feed).href;
    const manifestBytes = await fetchBounded(deps.fetch, manifestUrl, MAX_MANIFEST_BYTES, 'manifest_too_large');
    if (!manifestBytes) throw new ReleaseRefusedError('missing_manifest', `${manifestUrl}: nothing published`);
    const signatureBytes = await fetchBounded(deps.fetch, new URL(signatureFileName(deps.manifestName), feed).href, MAX_SIGNATURE_BYTES, 'malformed_signature');
    return verifyReleaseManifest({ manifestName: deps.manifestName, manifestBytes, signatureBytes, trustedKeys: deps.trustedKeys, currentVersion: deps.currentVersion });
  }

  return {
    setFeedUrl(url) {
      feed = url;
      verifiedVersion = null;
      deps.inner.setFeedUrl(url);
    },
    async check() {
      verifiedVersion = null;
      let trusted = await fetchAndVerify();
      // The hub writes latest.yml, then latest.yml.sig: a check between the two reads a pair that disagrees. Read
      // both once more before calling it a forgery.
      if (!trusted.ok && trusted.reason === 'bad_signature') trusted = await fetchAndVerify();
      if (!trusted.ok) {
        // The feed offering the version already running is the normal "up to date", not a refusal.
        if (trusted.reason === 'same_version') return null;
        throw new ReleaseRefusedError(trusted.reason, trusted.detail);
      }
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
  };
}
