import { describe, expect, it } from 'vitest';
import { planEviction, type EvictionPack } from './eviction-policy.ts';

const now = Date.parse('2026-11-25T08:00:00+08:00');
const DAY = 86_400_000;
const MB = 1_000_000;
const pack = (id: string, over: Partial<EvictionPack> = {}): EvictionPack => ({
  id,
  pinned: false,
  lastUsedAt: 0,
  lessonStarts: [now - 30 * DAY],
  files: [{ sha256: `sha-${id}`, bytes: 100 * MB }],
  ...over,
});

describe('planEviction', () => {
  it('evicts nothing when there is room', () => {
    expect(planEviction({ packs: [pack('a')], needBytes: 10 * MB, freeBytes: 50 * MB, now })).toMatchObject({ evict: [], shortfallBytes: 0 });
  });

  it('evicts least recently used first, only as much as needed', () => {
    const plan = planEviction({ packs: [pack('new', { lastUsedAt: 3 }), pack('old', { lastUsedAt: 1 }), pack('mid', { lastUsedAt: 2 })], needBytes: 150 * MB, freeBytes: 0, now });
    expect(plan.evict).toEqual(['old', 'mid']);
    expect(plan.freedBytes).toBe(200 * MB);
    expect(plan.shortfallBytes).toBe(0);
  });

  it('keeps pinned packs and packs of lessons in the next days, and reports the shortfall', () => {
    const plan = planEviction({
      packs: [pack('pinned', { pinned: true }), pack('tomorrow', { lessonStarts: [now + DAY] }), pack('in-class', { lessonStarts: [now - 10 * 60_000] }), pack('old')],
      needBytes: 250 * MB,
      freeBytes: 0,
      now,
    });
    expect(plan.evict).toEqual(['old']);
    expect(plan.protectedIds.sort()).toEqual(['in-class', 'pinned', 'tomorrow']);
    expect(plan.shortfallBytes).toBe(150 * MB);
  });

  it('does not count a file shared with a kept pack as freed', () => {
    const shared = { sha256: 'shared', bytes: 100 * MB };
    const plan = planEviction({
      packs: [pack('old', { files: [shared] }), pack('next-week', { lessonStarts: [now + 2 * DAY], files: [shared] })],
      needBytes: 50 * MB,
      freeBytes: 0,
      now,
    });
    expect(plan).toMatchObject({ evict: [], freedBytes: 0, shortfallBytes: 50 * MB });
  });

  it('protects lessons only up to the horizon (a lesson in 10 days can go)', () => {
    const plan = planEviction({ packs: [pack('later', { lessonStarts: [now + 10 * DAY] })], needBytes: 10 * MB, freeBytes: 0, now });
    expect(plan.evict).toEqual(['later']);
  });
});

describe('quotaAware', () => {
  it('names a full disk, from IndexedDB directly or wrapped by Dexie', async () => {
    const { quotaAware } = await import('./download-manager.ts');
    expect(quotaAware(new DOMException('full', 'QuotaExceededError'))).toBe('quota_exceeded');
    expect(quotaAware(Object.assign(new Error('AbortError'), { inner: { name: 'QuotaExceededError' } }))).toBe('quota_exceeded');
    expect(quotaAware(new Error('other'))).toBe('other');
  });
});
