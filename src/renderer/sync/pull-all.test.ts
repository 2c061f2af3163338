import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PullPage } from '../../shared/protocol.ts';
import { openAppDb, type AppDb } from '../db/app-db.ts';
import { getMeta, setMeta } from '../db/meta-repo.ts';
import { HubRequestError } from './hub-client.ts';
import { pullAll } from './pull-all.ts';

let db: AppDb;
const now = () => new Date('2025-09-01T00:00:00.000Z');

beforeEach(() => {
  db = openAppDb(`pull-all-test-${crypto.randomUUID()}`);
});

afterEach(async () => {
  await db.delete();
});

/** A hub whose cursor counts changes: page n holds one student change and hasMore until `total` is reached. */
function fakeHub(total: number) {
  const pull = vi.fn((cursor: number): Promise<PullPage> => {
    const next = Math.min(cursor + 1, total);
    return Promise.resolve({
      protocol: 1,
      cursor: next,
      hasMore: next < total,
      serverTime: '2025-09-01T00:00:00Z',
      changes: next > cursor ? [{ type: 'student.put', student: { id: `s${next}`, classroomId: 'cls-1', name: `学生${next}`, number: next } }] : [],
    });
  });
  return { pull };
}

describe('pullAll', () => {
  it('pulls pages from the stored cursor until hasMore is false, and records the sync time', async () => {
    await setMeta(db, 'pullCursor', 2);
    const hub = fakeHub(5);
    expect(await pullAll(db, hub, now)).toBe(3);
    expect(hub.pull.mock.calls.map(([c]) => c)).toEqual([2, 3, 4]);
    expect(await getMeta(db, 'pullCursor')).toBe(5);
    expect(await db.students.count()).toBe(3);
    expect(await getMeta(db, 'lastSyncAt')).toBe('2025-09-01T00:00:00.000Z');
  });

  it('starts from cursor 0 on a fresh database', async () => {
    const hub = fakeHub(1);
    await pullAll(db, hub, now);
    expect(hub.pull).toHaveBeenCalledWith(0);
  });

  it('stops after a bounded number of pages when the hub always says hasMore', async () => {
    const hub = fakeHub(1_000);
    expect(await pullAll(db, hub, now)).toBe(50);
    expect(hub.pull).toHaveBeenCalledTimes(50);
    expect(await getMeta(db, 'pullCursor')).toBe(50);
  });

  it('keeps the pages applied before a failure and does not record a sync time', async () => {
    const hub = fakeHub(10);
    hub.pull.mockImplementationOnce((c) => fakeHub(10).pull(c)).mockRejectedValueOnce(new HubRequestError('network', 'down'));
    await expect(pullAll(db, hub, now)).rejects.toMatchObject({ reason: 'network' });
    expect(await getMeta(db, 'pullCursor')).toBe(1);
    expect(await getMeta(db, 'lastSyncAt')).toBeUndefined();
  });

  it('a page with a change it cannot read goes on to the next pages, and says so in the log', async () => {
    const hub = fakeHub(3);
    const good = hub.pull.getMockImplementation();
    hub.pull.mockImplementationOnce(async (c) => ({ ...(await (good?.(c) ?? Promise.reject(new Error('no hub')))), changes: [{ type: 'pack.put' }] }));
    const logged: string[] = [];
    expect(await pullAll(db, hub, now, (level, message) => logged.push(`${level}: ${message}`))).toBe(2);
    expect(await getMeta(db, 'pullCursor')).toBe(3);
    expect((await db.students.toArray()).map((s) => s.id)).toEqual(['s2', 's3']);
    expect(logged).toEqual([expect.stringMatching(/^error: pull: skipped 1 change\(s\)/) as string]);
    expect(await getMeta(db, 'lastSyncAt')).toBe('2025-09-01T00:00:00.000Z');
  });
});
