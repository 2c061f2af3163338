// A device's last_seen_at is kept to the minute, not written by every request: a second request within the minute
// writes nothing, one after it (or after the hub's clock went back) writes again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../core/db/open-database.ts';
import { valueOrThrow } from '../../core/http/hub-error.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { enrollDevice } from './enroll-device.ts';
import { findDeviceByTokenHash, LAST_SEEN_PRECISION_MS, touchDevice } from './org-repo.ts';
import { hashToken } from './tokens.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('touchDevice', () => {
  it('writes last_seen_at at most once a minute', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-touch-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'hub.sqlite'));
    try {
      const t0 = new Date('2026-12-07T01:00:00Z');
      await seedDemo(db, t0);
      const { device: enrolled } = valueOrThrow(await enrollDevice(db, { code: 'DEMO-ZJ-1', deviceName: 'pc', now: t0 }));
      const read = async () => (await findDeviceByTokenHash(db, hashToken(enrolled.token))) ?? expect.unreachable('device missing');
      const at = (ms: number) => new Date(t0.getTime() + ms);

      expect(await touchDevice(db, await read(), at(0))).toBe(true);
      expect((await read()).last_seen_at).toBe(at(0).toISOString());
      expect(await touchDevice(db, await read(), at(LAST_SEEN_PRECISION_MS - 1))).toBe(false);
      expect((await read()).last_seen_at).toBe(at(0).toISOString());
      expect(await touchDevice(db, await read(), at(LAST_SEEN_PRECISION_MS))).toBe(true);
      expect((await read()).last_seen_at).toBe(at(LAST_SEEN_PRECISION_MS).toISOString());
      // The hub's clock set back (NTP, a wrong clock fixed): written again, not held for the minute.
      expect(await touchDevice(db, await read(), at(-5_000))).toBe(true);
      expect((await read()).last_seen_at).toBe(at(-5_000).toISOString());
    } finally {
      await db.close();
    }
  });
});
