// Which classrooms may use this edge: asked of the county hub once per device token and remembered briefly, so a
// classroom's hundreds of chunk requests cost one uplink round trip. A refusal is remembered briefly too. While the
// county hub cannot be reached, a decision it made in the last day still holds — the LAN keeps serving what is cached.
import { createHash } from 'node:crypto';
import { EdgeAuthoriseResponse, EdgePaths, type EdgeDevice } from '../../../../src/shared/edge-protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import type { Upstream } from './upstream.ts';

type Decision = { ok: EdgeDevice; at: number } | { refused: HubError; at: number };

export type DeviceAuthoriser = ReturnType<typeof createDeviceAuthoriser>;

export function createDeviceAuthoriser(upstream: Upstream, options: { now?: () => number; freshMs?: number; refusalMs?: number; staleMs?: number } = {}) {
  const now = options.now ?? Date.now;
  const freshMs = options.freshMs ?? 60_000;
  const refusalMs = options.refusalMs ?? 10_000;
  const staleMs = options.staleMs ?? 86_400_000;
  const decisions = new Map<string, Decision>();
  const asking = new Map<string, Promise<EdgeDevice>>();

  async function ask(key: string, deviceToken: string): Promise<EdgeDevice> {
    let answer: EdgeAuthoriseResponse;
    try {
      answer = await upstream.json(EdgeAuthoriseResponse, EdgePaths.authorise, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ deviceToken }),
      });
    } catch (error) {
      // The county unreachable, or refusing the edge itself: a recent yes still holds; nothing else is decided.
      const last = decisions.get(key);
      if (error instanceof HubError && error.code === 'upstream_unavailable' && last && 'ok' in last && now() - last.at < staleMs) return last.ok;
      throw error;
    }
    if (answer.allowed) {
      decisions.set(key, { ok: answer.device, at: now() });
      return answer.device;
    }
    const refused = new HubError(answer.code, answer.message);
    if (answer.code !== 'rate_limited') decisions.set(key, { refused, at: now() });
    throw refused;
  }

  return {
    async authorise(deviceToken: string | undefined): Promise<EdgeDevice> {
      if (!deviceToken) throw new HubError('unauthorized', 'device token required');
      const key = createHash('sha256').update(deviceToken).digest('hex');
      const known = decisions.get(key);
      if (known && 'ok' in known && now() - known.at < freshMs) return known.ok;
      if (known && 'refused' in known && now() - known.at < refusalMs) throw known.refused;
      const pending = asking.get(key) ?? ask(key, deviceToken).finally(() => asking.delete(key));
      asking.set(key, pending);
      return pending;
    },
  };
}
