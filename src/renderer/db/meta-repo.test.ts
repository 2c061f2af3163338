import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { openAppDb, type AppDb } from './app-db.ts';
import { getMeta, setMeta } from './meta-repo.ts';

let db: AppDb;

beforeEach(() => {
  db = openAppDb(`meta-repo-test-${crypto.randomUUID()}`);
});

afterEach(async () => {
  await db.delete();
});

describe('meta repo', () => {
  it('returns undefined for a key never set', async () => {
    expect(await getMeta(db, 'pullCursor')).toBeUndefined();
    expect(await getMeta(db, 'lastSyncAt')).toBeUndefined();
  });

  it('round-trips each key and overwrites on set', async () => {
    await setMeta(db, 'pullCursor', 0);
    expect(await getMeta(db, 'pullCursor')).toBe(0);
    await setMeta(db, 'pullCursor', 1234);
    expect(await getMeta(db, 'pullCursor')).toBe(1234);
    await setMeta(db, 'lastSyncAt', '2025-09-01T00:00:00.000Z');
    expect(await getMeta(db, 'lastSyncAt')).toBe('2025-09-01T00:00:00.000Z');
    expect(await db.meta.count()).toBe(2);
  });

  it.each([
    ['a negative cursor', -1],
    ['a fractional cursor', 1.5],
    ['NaN', Number.NaN],
    ['a string cursor', '5'],
  ])('refuses to store %s and keeps the previous value', async (_label, bad) => {
    await setMeta(db, 'pullCursor', 3);
    await expect(setMeta(db, 'pullCursor', bad as number)).rejects.toBeInstanceOf(ZodError);
    expect(await getMeta(db, 'pullCursor')).toBe(3);
  });

  it.each([
    ['pullCursor', 'abc'],
    ['pullCursor', -5],
    ['pullCursor', null],
    ['lastSyncAt', 12345],
    ['lastSyncAt', { iso: 'x' }],
  ] as const)('treats a damaged stored %s (%j) as absent', async (key, value) => {
    await db.meta.put({ key, value });
    expect(await getMeta(db, key)).toBeUndefined();
  });
  it('keeps the teacher PIN only as a salted hash: a PIN in its place is refused on write and ignored on read', async () => {
    const pinInPlace = { salt: '', hash: '1234', iterations: 1 };
    await expect(setMeta(db, 'teacherPin', pinInPlace)).rejects.toBeInstanceOf(ZodError);
    await db.meta.put({ key: 'teacherPin', value: pinInPlace });
    expect(await getMeta(db, 'teacherPin')).toBeUndefined();
    const hashed = { salt: 'a'.repeat(32), hash: 'b'.repeat(64), iterations: 100_000 };
    await setMeta(db, 'teacherPin', hashed);
    expect(await getMeta(db, 'teacherPin')).toEqual(hashed);
  });
});
