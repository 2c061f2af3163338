// Two classrooms and their school edge behind one shaped village uplink (4 Mbit/s, 300 ms, 1 % loss), the county hub on
// the far side: a pack both download crosses the uplink once; a classroom of another school is refused by the edge;
// the edge killed mid-download → the download finishes from the county hub by itself; edge back → content comes from
// it again. Classrooms are the real renderer download manager + edge route under Node (fake-indexeddb).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentPaths } from '../../src/shared/content-protocol.ts';
import { EdgeStatus } from '../../src/shared/edge-protocol.ts';
import { ErrorResponse } from '../../src/shared/protocol.ts';
import { startEdgeWeakRig, type Classroom, type EdgeWeakRig } from '../support/edge-weak-rig.ts';
import { waitFor } from '../support/ports.ts';
import { weakLinkSupported } from './weak-link.ts';

/** Larger than what a killed edge can still have in socket buffers towards a classroom reading at 100 KB/s (the
 *  kernel delivers a dead process's send buffer), so the kill mid-download always leaves bytes for the county. */
const PACK_BYTES = 6_000_000;
let rig: EdgeWeakRig;

/** Waits on a classroom's latest status line (they arrive every 200 ms). */
const when = <T>(probe: () => T | undefined, what: string, timeoutMs: number) => waitFor(() => Promise.resolve(probe()), what, timeoutMs);
const done = (c: Classroom, what: string, timeoutMs = 90_000) => when(() => ((c.last()?.complete ?? 0) >= 1 ? c.last() : undefined), what, timeoutMs);

describe.skipIf(!weakLinkSupported())('school edge on a village uplink', () => {
  beforeAll(async () => {
    rig = await startEdgeWeakRig({ rateKbit: 4000, rttMs: 300, lossPct: 1 }, PACK_BYTES);
  });
  afterAll(async () => rig?.close());

  it('a pack downloaded by two classrooms crosses the uplink once', async () => {
    const before = await rig.countyBytes();
    const a = rig.classroom(rig.county.tokens.zj1);
    const b = rig.classroom(rig.county.tokens.zj2);
    await Promise.all([done(a, 'classroom 1 complete'), done(b, 'classroom 2 complete')]);
    const after = await rig.countyBytes();
    const uplink = after.viaEdge - before.viaEdge + (after.direct - before.direct);
    expect(uplink / rig.county.size).toBeLessThanOrEqual(1.05);
    expect(a.last()?.using).toBe('edge');
    const status = EdgeStatus.parse(await rig.edgeStatus());
    expect(status.classrooms.map((c) => c.classroomId)).toEqual(['cls-zj-7-1', 'cls-zj-7-2']);
    expect(status.bytes.saved).toBeGreaterThanOrEqual(rig.county.size * 0.95);
    a.stop();
    b.stop();
  });

  it('refuses a classroom of another school by name', async () => {
    for (const path of [ContentPaths.packs, ContentPaths.blob(rig.county.sha256)]) {
      const res = await rig.askEdge(path, rig.county.tokens.lt);
      expect(res.status).toBe(403);
      expect(ErrorResponse.parse(JSON.parse(res.body)).error.code).toBe('wrong_school');
    }
  });

  it('edge killed mid-download → the download finishes from the county hub; edge back → content comes from it again', async () => {
    // Held to 100 KB/s so the edge can be killed while the file is still coming.
    const c = rig.classroom(rig.county.tokens.zj1, { maxBytesPerSecond: 100_000 });
    await when(() => ((c.last()?.chunks ?? 0) >= 1 ? true : undefined), 'first chunks from the edge', 60_000);
    expect(c.last()?.using).toBe('edge');
    const before = await rig.countyBytes();
    await rig.killEdge();
    await when(() => (c.last()?.using === 'county' ? true : undefined), 'fallback to the county hub', 15_000);
    const line = await done(c, 'download finished from the county hub', 180_000);
    expect(line.problem).toBe('unreachable');
    expect((await rig.countyBytes()).direct).toBeGreaterThan(before.direct);
    await rig.startEdge();
    // The route probes the edge every 5 s on its own timer while dropped (edge-route.test.ts), whatever the downloads do.
    await when(() => (c.last()?.using === 'edge' ? true : undefined), 'back to the edge', 30_000);
    c.stop();
  });
});
