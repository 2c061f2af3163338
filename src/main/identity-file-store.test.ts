import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import type { DeviceIdentity } from '../shared/ipc.ts';
import { createIdentityFileStore, plainCodec, type SecretCodec } from './identity-file-store.ts';

const identity: DeviceIdentity = {
  hubUrl: 'http://192.168.1.10:8787',
  deviceId: 'dev_01',
  token: 'secret-token-'.padEnd(48, 'x'),
  school: { id: 'sch-1', name: '凉山州昭觉县某小学', kind: 'receiving', allianceId: 'alliance-1' },
  classroom: { id: 'cls-1', schoolId: 'sch-1', name: '三年级一班', grade: '3' },
  hubName: '昭觉县 hub',
  enrolledAt: '2025-09-01T08:00:00+08:00',
};

/** A reversible codec whose output never contains the plain token, like safeStorage's base64 ciphertext. */
const sealingCodec: SecretCodec = {
  seal: (s) => `sealed:${Buffer.from(s, 'utf8').toString('base64')}`,
  open: (s) => {
    if (!s.startsWith('sealed:')) throw new Error('not sealed by this keychain');
    return Buffer.from(s.slice('sealed:'.length), 'base64').toString('utf8');
  },
};

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ykt-identity-'));
  file = join(dir, 'identity.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('identity file store', () => {
  it('returns null when nothing has been stored yet', async () => {
    expect(await createIdentityFileStore(file, sealingCodec).get()).toBeNull();
  });

  it('round-trips an identity, with only the sealed token on disk', async () => {
    const store = createIdentityFileStore(file, sealingCodec);
    await store.set(identity);
    expect(await store.get()).toEqual(identity);
    // A second store over the same file (an app restart) reads the same identity.
    expect(await createIdentityFileStore(file, sealingCodec).get()).toEqual(identity);

    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain(identity.token);
    expect((JSON.parse(onDisk) as { token: string }).token).toBe(sealingCodec.seal(identity.token));
  });

  it('creates missing parent folders (first run with a fresh user-data folder)', async () => {
    const nested = join(dir, 'a', 'b', 'identity.json');
    const store = createIdentityFileStore(nested, plainCodec);
    await store.set(identity);
    expect(await store.get()).toEqual(identity);
  });

  it('overwrites the previous identity and leaves no temporary file behind', async () => {
    const store = createIdentityFileStore(file, sealingCodec);
    await store.set(identity);
    const reEnrolled = { ...identity, deviceId: 'dev_02', classroom: { ...identity.classroom, id: 'cls-2' } };
    await store.set(reEnrolled);
    expect(await store.get()).toEqual(reEnrolled);
    expect(await readdir(dir)).toEqual(['identity.json']);
  });

  it('refuses to store an invalid identity and keeps the stored one', async () => {
    const store = createIdentityFileStore(file, sealingCodec);
    await store.set(identity);
    await expect(store.set({ ...identity, token: 'short' })).rejects.toBeInstanceOf(ZodError);
    await expect(store.set({ ...identity, hubUrl: 'javascript:alert(1)' })).rejects.toBeInstanceOf(ZodError);
    expect(await store.get()).toEqual(identity);
  });

  it('keeps the previous file intact when writing the new one fails (write-then-rename)', async () => {
    const store = createIdentityFileStore(file, sealingCodec);
    await store.set(identity);
    // Make the temporary file unwritable: a directory sits where it would go.
    await mkdir(`${file}.tmp`);
    await expect(store.set({ ...identity, deviceId: 'dev_02' })).rejects.toThrow();
    expect(await store.get()).toEqual(identity);
  });

  it('keeps the previous identity when sealing fails', async () => {
    await createIdentityFileStore(file, sealingCodec).set(identity);
    const broken: SecretCodec = {
      seal: () => {
        throw new Error('keychain locked');
      },
      open: (sealed) => sealingCodec.open(sealed),
    };
    await expect(createIdentityFileStore(file, broken).set({ ...identity, deviceId: 'dev_02' })).rejects.toThrow('keychain locked');
    expect(await createIdentityFileStore(file, sealingCodec).get()).toEqual(identity);
  });

  it('ignores a half-written temporary file left by a power cut', async () => {
    const store = createIdentityFileStore(file, sealingCodec);
    await store.set(identity);
    await writeFile(`${file}.tmp`, '{"hubUrl":"http://evil', 'utf8');
    expect(await store.get()).toEqual(identity);
    // The next successful write replaces the leftover.
    await store.set({ ...identity, deviceId: 'dev_03' });
    expect((await store.get())?.deviceId).toBe('dev_03');
    expect(await readdir(dir)).toEqual(['identity.json']);
  });

  describe('treats a damaged file as "not enrolled" (null), never a crash', () => {
    const valid = () => JSON.stringify({ ...identity, token: sealingCodec.seal(identity.token) });
    it.each([
      ['an empty file', () => ''],
      ['truncated JSON', () => valid().slice(0, 40)],
      ['JSON null', () => 'null'],
      ['a JSON array', () => '[]'],
      ['a JSON string', () => '"identity"'],
      ['an object missing the token', () => JSON.stringify({ ...identity, token: undefined })],
      ['an object with a bad hub URL', () => JSON.stringify({ ...identity, hubUrl: 'file:///x', token: sealingCodec.seal(identity.token) })],
      ['a token not sealed by this keychain (copied from another PC)', () => JSON.stringify(identity)],
      ['binary garbage', () => '\u0000\u0001\u00ff{'],
    ])('%s', async (_label, content) => {
      await writeFile(file, content(), 'utf8');
      expect(await createIdentityFileStore(file, sealingCodec).get()).toBeNull();
    });

    it('a token whose plain value is invalid after opening', async () => {
      await writeFile(file, JSON.stringify({ ...identity, token: sealingCodec.seal('short') }), 'utf8');
      expect(await createIdentityFileStore(file, sealingCodec).get()).toBeNull();
    });
  });

  it('returns null when the path is a folder instead of a file', async () => {
    await mkdir(file);
    expect(await createIdentityFileStore(file, sealingCodec).get()).toBeNull();
  });

  it('clear() removes the identity, and is a no-op when there is none', async () => {
    const store = createIdentityFileStore(file, sealingCodec);
    await store.set(identity);
    await store.clear();
    expect(await store.get()).toBeNull();
    expect(await readdir(dir)).toEqual([]);
    await expect(store.clear()).resolves.toBeUndefined();
  });

  it('opens the token with the codec on every read', async () => {
    const open = vi.fn((sealed: string) => sealingCodec.open(sealed));
    const store = createIdentityFileStore(file, { seal: (plain) => sealingCodec.seal(plain), open });
    await store.set(identity);
    await store.get();
    expect(open).toHaveBeenCalledWith(sealingCodec.seal(identity.token));
  });

  it('plainCodec stores the token as is', async () => {
    expect(plainCodec.seal('abc')).toBe('abc');
    expect(plainCodec.open('abc')).toBe('abc');
    await createIdentityFileStore(file, plainCodec).set(identity);
    expect((JSON.parse(await readFile(file, 'utf8')) as { token: string }).token).toBe(identity.token);
  });
});
