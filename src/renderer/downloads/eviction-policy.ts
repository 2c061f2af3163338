// What to delete when space runs out (pure, table-tested): least recently used packs first, never a pinned pack and
// never one needed by a lesson in the next days; a file shared by a kept pack stays. If that cannot free enough, the
// shortfall is reported so the screen can say how much is missing instead of deleting what the teacher needs.

export type EvictionPack = {
  id: string;
  pinned: boolean;
  lastUsedAt: number;
  /** Start times of the lessons the pack is attached to. */
  lessonStarts: number[];
  files: { sha256: string; bytes: number }[];
};

export type EvictionPlan = { evict: string[]; freedBytes: number; shortfallBytes: number; protectedIds: string[] };

const DAY = 86_400_000;

export function planEviction(input: { packs: EvictionPack[]; needBytes: number; freeBytes: number; now: number; protectDays?: number }): EvictionPlan {
  const horizon = input.now + (input.protectDays ?? 3) * DAY;
  const isProtected = (p: EvictionPack) => p.pinned || p.lessonStarts.some((s) => s >= input.now - DAY / 24 && s <= horizon);
  const protectedIds = input.packs.filter(isProtected).map((p) => p.id);
  let missing = input.needBytes - input.freeBytes;
  if (missing <= 0) return { evict: [], freedBytes: 0, shortfallBytes: 0, protectedIds };

  const kept = new Set(input.packs.map((p) => p.id));
  const candidates = input.packs.filter((p) => !isProtected(p)).sort((a, b) => a.lastUsedAt - b.lastUsedAt || a.id.localeCompare(b.id));
  const evict: string[] = [];
  let freed = 0;
  const usedByKept = () => new Set(input.packs.filter((p) => kept.has(p.id)).flatMap((p) => p.files.map((f) => f.sha256)));
  const gone = new Set<string>();
  for (const pack of candidates) {
    if (missing <= 0) break;
    kept.delete(pack.id);
    evict.push(pack.id);
    const stillUsed = usedByKept();
    for (const f of pack.files) {
      if (stillUsed.has(f.sha256) || gone.has(f.sha256)) continue;
      gone.add(f.sha256);
      freed += f.bytes;
      missing -= f.bytes;
    }
  }
  // Deleting a pack that freed nothing (all its files shared with kept packs) is pointless: keep it.
  return { evict: missing > 0 && freed === 0 ? [] : evict, freedBytes: freed, shortfallBytes: Math.max(0, missing), protectedIds };
}
