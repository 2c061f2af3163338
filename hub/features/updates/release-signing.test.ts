// The publisher's key and signed releases on the hub side: keygen keeps the private key out of any checkout and
// never overwrites one, publishing signs every manifest (the app's verifier accepts it), refuses a version the app
// would refuse, and the signature is served beside latest.yml, never cached.
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReleaseSignature, releaseSigningContext } from '../../../src/shared/release-signature.ts';
import { repoRoot } from '../../../tests/support/hub-process.ts';
import { testPublisher, writeReleaseFixture } from '../../../tests/support/release-fixture.ts';
import { openDatabase } from '../../core/db/open-database.ts';
import type { SqliteDb } from '../../core/db/sqlite-db.ts';
import { createHub } from '../../county/create-hub.ts';
import { enclosingCheckout, trustPublicKey, writeNewPublisherKey } from './publisher-keygen.ts';
import { publishRelease } from './publish-release.ts';
import { loadPublisherKey } from './release-signing.ts';

let dir: string;
let db: SqliteDb;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-signing-'));
  db = openDatabase(join(dir, 'hub.sqlite'));
  app = await createHub({ db, hubName: '测试中心', adminToken: 'admin-secret-for-tests-0123456789', updatesDir: join(dir, 'updates') });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  app.server.closeAllConnections();
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('publisher key (hub:keygen)', () => {
  it('writes a new Ed25519 key readable by its owner only, and loads it back with the same public key', async () => {
    const made = await writeNewPublisherKey(join(dir, 'keys', 'release-signing-key.pem'));
    expect(made.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(made.path)).mode & 0o777).toBe(0o600);
    expect((await loadPublisherKey(made.path)).publicKey).toBe(made.publicKey);
  });

  it('never overwrites a key unless forced', async () => {
    const path = join(dir, 'keys', 'once.pem');
    await writeNewPublisherKey(path);
    const before = await readFile(path, 'utf8');
    await expect(writeNewPublisherKey(path)).rejects.toThrow(/exists; pass --force/);
    expect(await readFile(path, 'utf8')).toBe(before);
    await writeNewPublisherKey(path, { force: true });
    expect(await readFile(path, 'utf8')).not.toBe(before);
  });

  it('refuses to write the private key inside a git checkout (this repository or any other)', async () => {
    await expect(writeNewPublisherKey(join(repoRoot, 'resources', 'release-signing-key.pem'))).rejects.toThrow(/inside the git checkout/);
    const other = join(dir, 'other-repo');
    await mkdir(join(other, '.git'), { recursive: true });
    await expect(writeNewPublisherKey(join(other, 'deep', 'k.pem'))).rejects.toThrow(/inside the git checkout/);
    expect(await enclosingCheckout(join(dir, 'keys'))).toBeNull();
  });

  it('.gitignore guards key and certificate files in the repository', () => {
    for (const name of ['release-signing-key.pem', 'hub/tls/key.pem', 'resources/publisher.key', 'cert.pfx']) {
      expect(execFileSync('git', ['check-ignore', '--no-index', name], { cwd: repoRoot, encoding: 'utf8' }).trim(), name).toBe(name);
    }
  });

  it('adds a public key to the app\'s baked-in list once', async () => {
    const file = join(dir, 'publisher-keys.json');
    await writeFile(file, JSON.stringify({ about: 'x', keys: [] }));
    expect(await trustPublicKey(file, testPublisher.publicKey, 'county IT', new Date('2026-03-01T00:00:00Z'))).toBe(true);
    expect(await trustPublicKey(file, testPublisher.publicKey, 'county IT', new Date())).toBe(false);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ about: 'x', keys: [{ publicKey: testPublisher.publicKey, name: 'county IT', addedAt: '2026-03-01' }] });
  });
});

describe('signed publishing', () => {
  it('signs each manifest it publishes, bound to its file name, and serves the signature uncached', async () => {
    const release = await writeReleaseFixture(join(dir, 'r1'), { version: '0.2.0', key: null });
    const result = await publishRelease(release.dir, join(dir, 'updates'), { key: testPublisher, stagingPercentage: 50 });
    expect(result.publicKey).toBe(testPublisher.publicKey);
    const manifest = Buffer.from(await (await fetch(`${base}/updates/latest/latest.yml`)).arrayBuffer());
    const sigResponse = await fetch(`${base}/updates/latest/latest.yml.sig`);
    expect(sigResponse.headers.get('cache-control')).toBe('no-cache');
    const sig = Buffer.from(await sigResponse.arrayBuffer());
    expect(manifest.toString('utf8')).toContain('stagingPercentage: 50');
    // The app's verifier (src/main/update/release-trust.ts) checks exactly this; its own tests sign with this module.
    const parsed = ReleaseSignature.parse(JSON.parse(sig.toString('utf8')));
    expect(parsed.publicKey).toBe(testPublisher.publicKey);
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: parsed.publicKey }, format: 'jwk' });
    const signed = (name: string) => Buffer.concat([Buffer.from(releaseSigningContext(name)), manifest]);
    expect(verify(null, signed('latest.yml'), key, Buffer.from(parsed.signature, 'base64url'))).toBe(true);
    expect(verify(null, signed('beta.yml'), key, Buffer.from(parsed.signature, 'base64url'))).toBe(false);
  });

  it.each([
    ['a version electron-updater would refuse', '0.03.0', /not semver/],
    ['an older version than the channel serves', '0.1.5', /older.*downgrade/],
  ])('refuses to publish %s', async (_label, version, message) => {
    const before = await readFile(join(dir, 'updates', 'latest', 'latest.yml'), 'utf8');
    const release = await writeReleaseFixture(join(dir, `v-${version}`), { version, key: null });
    await expect(publishRelease(release.dir, join(dir, 'updates'), { key: testPublisher })).rejects.toThrow(message);
    expect(await readFile(join(dir, 'updates', 'latest', 'latest.yml'), 'utf8')).toBe(before);
  });
});
