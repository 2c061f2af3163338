// Making the publisher's key pair (`npm run hub:keygen`). The private key is written once, readable by its owner only,
// and never inside a git checkout (this repository or any other), so it cannot be committed by accident; .gitignore
// guards the usual names as a second line. The public key goes into resources/publisher-keys.json, which the app bakes in.
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { PublisherPublicKey } from '../../../src/shared/release-signature.ts';
import { generatePublisherKey } from './release-signing.ts';

/** The nearest folder at or above `dir` holding a `.git` entry, or null. */
export async function enclosingCheckout(dir: string): Promise<string | null> {
  let current = await realpath(dir).catch(() => resolve(dir));
  for (;;) {
    if (existsSync(resolve(current, '.git'))) return current;
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

export async function writeNewPublisherKey(out: string, options: { force?: boolean } = {}): Promise<{ path: string; publicKey: string }> {
  const path = resolve(out);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const checkout = await enclosingCheckout(dirname(path));
  if (checkout) throw new Error(`${path} is inside the git checkout ${checkout}; keep the private key outside any repository`);
  const { privatePem, publicKey } = generatePublisherKey();
  // 'wx' unless forced: overwriting the key would leave every installed app trusting a key nobody holds any more.
  await writeFile(path, privatePem, { mode: 0o600, flag: options.force ? 'w' : 'wx' }).catch((error: unknown) => {
    if (error instanceof Error && 'code' in error && error.code === 'EEXIST') throw new Error(`${path} exists; pass --force to replace it (apps trusting the old key then need it kept in publisher-keys.json)`);
    throw error;
  });
  return { path, publicKey };
}

const KeysFile = z.looseObject({ keys: z.array(z.looseObject({ publicKey: PublisherPublicKey })) });

/** Adds a public key to the app's baked-in list (resources/publisher-keys.json), once. */
export async function trustPublicKey(keysFile: string, publicKey: string, name: string, now: Date): Promise<boolean> {
  const current = KeysFile.parse(JSON.parse(await readFile(keysFile, 'utf8')));
  if (current.keys.some((k) => k.publicKey === publicKey)) return false;
  const next = { ...current, keys: [...current.keys, { publicKey, name, addedAt: now.toISOString().slice(0, 10) }] };
  await writeFile(keysFile, `${JSON.stringify(next, null, 2)}\n`, 'utf8');
  return true;
}
