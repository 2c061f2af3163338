// Persists the device identity (hub address, device token) in the user-data folder. The token is sealed with the OS
// keychain where Electron offers it (safeStorage); the codec is a parameter so this runs under plain Node in tests.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DeviceIdentity } from '../shared/ipc.ts';

export type SecretCodec = { seal(plain: string): string; open(sealed: string): string };

export const plainCodec: SecretCodec = { seal: (s) => s, open: (s) => s };

export function createIdentityFileStore(file: string, codec: SecretCodec) {
  return {
    async get(): Promise<DeviceIdentity | null> {
      let raw: string;
      try {
        raw = await readFile(file, 'utf8');
      } catch {
        return null;
      }
      try {
        const stored = JSON.parse(raw) as Record<string, unknown>;
        const parsed = DeviceIdentity.safeParse({ ...stored, token: codec.open(String(stored.token)) });
        return parsed.success ? parsed.data : null;
      } catch {
        return null; // a damaged file means "not enrolled"; IT re-enrolls, no crash
      }
    },
    async set(identity: DeviceIdentity): Promise<void> {
      const valid = DeviceIdentity.parse(identity);
      await mkdir(dirname(file), { recursive: true });
      // Write-then-rename so a power cut never leaves half a file.
      await writeFile(`${file}.tmp`, JSON.stringify({ ...valid, token: codec.seal(valid.token) }), 'utf8');
      await rename(`${file}.tmp`, file);
    },
    async clear(): Promise<void> {
      await rm(file, { force: true });
    },
  };
}
