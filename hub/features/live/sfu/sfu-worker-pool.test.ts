// The hub's only SFU worker killed with SIGKILL (a one-core hub, the default of a county pilot): no process exit, a new
// worker on the same port, the lesson made again on it, and a classroom that asks in the meantime waits for it instead
// of being refused. Real mediasoup workers; no media needed.
import { describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../../../tests/support/ports.ts';
import { createMemoryLiveRegistry } from '../cluster/live-registry.ts';
import { createLiveSfu, liveUnavailableReason } from './live-sfu.ts';

const workerReason = liveUnavailableReason();

describe.skipIf(workerReason !== null)(`one SFU worker dies${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  it('is replaced on the same port; the lesson is made again and a join during the replacement waits for it', async () => {
    const log: string[] = [];
    const registry = createMemoryLiveRegistry();
    const rtcPort = await freePort();
    const sfu = await createLiveSfu({ rtcPort, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', workers: 1, registry, nodeId: 'node-a', log: (l) => log.push(l) });
    try {
      const room = await sfu.room('les-one');
      const seen: string[] = [];
      sfu.onRoom((r) => seen.push(r.router.id));
      const dead = sfu.pool.worker(0).worker;
      expect(sfu.pool.worker(0).port).toBe(rtcPort);
      expect(await registry.node('node-a')).toMatchObject([{ lessonId: 'les-one', role: 'origin', workerPid: dead.pid, routerId: room.router.id }]);

      process.kill(dead.pid, 'SIGKILL');
      await waitFor(async () => (room.router.closed ? true : undefined), 'the router closed with its worker', 10_000, 20);
      // Asked while no worker runs: answered once the replacement is up.
      const { room: again, place } = await sfu.place('les-one', 'viewer');
      expect(again).not.toBe(room);
      expect(sfu.pool.worker(0).worker.pid).not.toBe(dead.pid);
      expect(sfu.pool.worker(0).port).toBe(rtcPort);
      expect(place.webRtcServer).toBe(sfu.pool.worker(0).webRtcServer);
      expect(seen.at(-1)).toBe(again.router.id); // the recorder (onRoom) hears of the new room
      expect(await registry.lesson('les-one')).toMatchObject([{ role: 'origin', routerId: again.router.id, workerPid: sfu.pool.worker(0).worker.pid, viewers: 1 }]);
      expect(log.join('\n')).toMatch(/worker 0 \(pid \d+\) died.*\n.*replaced/s);
      place.release();
    } finally {
      sfu.close();
    }
  });
});
