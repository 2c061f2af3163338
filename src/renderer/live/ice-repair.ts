// What the controller does when ICE drops: give it a moment to come back alone (a short outage usually heals on the
// same transport), then restartIce, then a new transport; an unanswered request means the signalling socket is dead
// too, and everything starts over from a new socket. Apart from the controller so each step is tested with fakes.
import type { LiveSocket } from './live-socket.ts';
import { LiveRequestError } from './live-socket.ts';

export type RepairableTransport = {
  id: string;
  connectionState: string;
  restartIce(options: { iceParameters: never }): Promise<void>;
};

export type RepairDeps = {
  transport: RepairableTransport;
  socket: Pick<LiveSocket, 'request'> | null;
  /** False once a newer connection or transport took over, or the player stopped: then do nothing more. */
  current: () => boolean;
  recreateTransport: () => Promise<void>;
  restartSocket: () => void;
  graceMs?: number;
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
};

export type RepairOutcome = 'healed' | 'iceRestarted' | 'transportRecreated' | 'socketRestarted' | 'abandoned';

export async function repairIce(d: RepairDeps): Promise<RepairOutcome> {
  const sleep = d.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const connected = () => d.transport.connectionState === 'connected';
  try {
    await sleep(d.graceMs ?? 2_000);
    if (!d.current()) return 'abandoned';
    if (connected()) return 'healed';
    try {
      if (!d.socket) throw new LiveRequestError('closed', 'no socket');
      const { iceParameters } = await d.socket.request('restartIce', { transportId: d.transport.id });
      if (!d.current()) return 'abandoned';
      if (!connected()) await d.transport.restartIce({ iceParameters: iceParameters as never });
    } catch (error) {
      if (error instanceof LiveRequestError && (error.code === 'timeout' || error.code === 'closed')) {
        if (d.current()) d.restartSocket();
        return 'socketRestarted';
      }
    }
    const waitMs = d.waitMs ?? 6_000;
    for (let waited = 0; waited < waitMs && d.current() && !connected(); waited += 250) await sleep(250);
    if (!d.current()) return 'abandoned';
    if (connected()) return 'iceRestarted';
    await d.recreateTransport();
    return 'transportRecreated';
  } catch {
    if (d.current()) d.restartSocket();
    return 'socketRestarted';
  }
}
