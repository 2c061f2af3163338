// scale.crossNodePipeMs: a classroom's join reaching hub node B while the lesson's origin is on node A — from B's
// placement (registry lookup, the cluster call to A, both PipeTransports, the pipe producers) to the first RTP packet
// of the lesson's camera or audio leaving B towards the classroom (a UDP socket standing in for it). Two SFUs in this
// process (each its own worker processes), one throwaway PostgreSQL, A's cluster route over real HTTP on loopback.
// Median of 5 cold joins (each on a fresh node B, so no copy is already there).
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { openPostgres } from '../hub/core/db/open-database.ts';
import { createHub } from '../hub/county/create-hub.ts';
import { startDemoBroadcast } from '../hub/features/live/broadcast/demo-live.ts';
import { createLiveSfu, liveUnavailableReason } from '../hub/features/live/sfu/live-sfu.ts';
import { createStoreLiveRegistry } from '../hub/features/live/cluster/store-live-registry.ts';
import { freePort } from '../tests/support/ports.ts';
import { startPostgresServer } from '../tests/support/postgres-server.ts';

const SECRET = 'cluster-secret-for-the-cross-node-bench-0123';
const LESSON = 'les-bench-cross-node';
const TRIALS = 5;

export async function run(): Promise<Record<string, number | null>> {
  const unavailable = liveUnavailableReason();
  if (unavailable) throw new Error(`cross-node figures need the SFU worker: ${unavailable}`);
  const log = (line: string) => console.error(line);
  const pg = await startPostgresServer();
  const closers: (() => Promise<void> | void)[] = [];
  try {
    const url = await pg.createDatabase();
    const node = async (id: string, port: number) => {
      const db = await openPostgres(url, { max: 2 });
      const registry = await createStoreLiveRegistry({ db, nodeId: id, nodeUrl: `http://127.0.0.1:${port}`, now: Date.now, log });
      const sfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', logLevel: 'error', registry, nodeId: id, cluster: { secret: SECRET, pipeIp: '127.0.0.1' }, log: () => undefined });
      closers.push(async () => {
        sfu.close();
        registry.close();
        await db.close();
      });
      return { db, sfu };
    };
    const portA = await freePort();
    const a = await node('bench-a', portA);
    const app = await createHub({ db: a.db, hubName: 'bench', adminToken: 'admin-secret-for-the-bench-0123456789', live: { sfu: a.sfu }, clusterSecret: SECRET });
    await app.listen({ host: '127.0.0.1', port: portA });
    closers.unshift(() => app.close());
    const broadcast = await startDemoBroadcast(a.sfu, { lessonId: LESSON, log: () => undefined });
    closers.unshift(() => broadcast.stop());
    const room = await a.sfu.room(LESSON);
    const deadline = Date.now() + 30_000;
    while (room.producers().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));

    const times: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const b = await node(`bench-b${i}`, await freePort());
      const sink = createSocket('udp4');
      sink.bind(0, '127.0.0.1');
      await once(sink, 'listening');
      const firstPacket = once(sink, 'message');
      const started = performance.now();
      const { place } = await b.sfu.place(LESSON, 'viewer');
      const transport = await place.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
      await transport.connect({ ip: '127.0.0.1', port: sink.address().port });
      for (const producer of await place.producers()) await transport.consume({ producerId: producer.id, rtpCapabilities: b.sfu.routerRtpCapabilities });
      await firstPacket;
      times.push(performance.now() - started);
      sink.close();
      place.release();
      await closers.pop()?.();
    }
    times.sort((x, y) => x - y);
    log(`cross-node: join on B → first RTP, ms: ${times.map((t) => t.toFixed(0)).join(', ')}`);
    return { 'scale.crossNodePipeMs': Math.round(times[Math.floor(times.length / 2)] ?? 0) };
  } finally {
    for (const close of closers) await close();
    await pg.stop();
  }
}
