// The hub's router RTP capabilities (the same for every lesson on a hub), fetched once the device is enrolled and kept
// per hub (memory + localStorage). With them the Device loads while the signalling socket opens, and the join asks for
// the media in the same round trip — a lesson's first frame comes about two round trips sooner on a 300 ms link.
// Without them (first start, hub unreachable) the controller simply takes the longer way.
import { z } from 'zod';

const Caps = z.record(z.string(), z.unknown());
type Caps = z.infer<typeof Caps>;
export type CapsStorage = Pick<Storage, 'getItem' | 'setItem'>;

const memory = new Map<string, Caps>();
const storageKey = (hubUrl: string) => `ykt.live.routerCaps:${hubUrl}`;
const defaultStorage = (): CapsStorage | null => (typeof localStorage === 'undefined' ? null : localStorage);

export function rememberRouterCaps(hubUrl: string, caps: Caps, storage: CapsStorage | null = defaultStorage()) {
  memory.set(hubUrl, caps);
  storage?.setItem(storageKey(hubUrl), JSON.stringify(caps));
}

export function cachedRouterCaps(hubUrl: string, storage: CapsStorage | null = defaultStorage()): Caps | null {
  const known = memory.get(hubUrl);
  if (known) return known;
  const text = storage?.getItem(storageKey(hubUrl));
  if (!text) return null;
  try {
    const parsed = Caps.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    memory.set(hubUrl, parsed.data);
    return parsed.data;
  } catch {
    return null; // an unreadable entry is as good as none: the join brings fresh capabilities
  }
}

/** Same capabilities (the join's answer vs the cached ones): the media the join brought can be used as is. */
export const sameCaps = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
