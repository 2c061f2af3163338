// The admin credential as `npm run hub` keeps it: given (HUB_ADMIN_TOKEN), or made once and printed once. The hub
// stores only its SHA-256 (`<data>/admin-token.sha256`), so a copied data folder or backup does not hold the secret.
// A lost generated token is replaced by deleting that file and restarting (README, "Run the hub for a county").
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_TOKEN_HASH_FILE = 'admin-token.sha256';

export type AdminCredential = { hash: string; /** Set only when made on this start: to be shown once, never stored. */ newToken?: string };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function loadAdminCredential(dataDir: string, given: string | undefined, makeToken = () => randomBytes(24).toString('base64url')): AdminCredential {
  if (given !== undefined) return { hash: sha256(given) };
  const file = join(dataDir, ADMIN_TOKEN_HASH_FILE);
  if (existsSync(file)) {
    const hash = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`${file} is not a SHA-256 hash; delete it to make a new admin token`);
    return { hash };
  }
  const newToken = makeToken();
  const hash = sha256(newToken);
  writeFileSync(file, `${hash}\n`, { mode: 0o600, flag: 'wx' }); // wx: two hubs starting at once cannot both win
  return { hash, newToken };
}
