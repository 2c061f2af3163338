// A feed whose RTP does not come, on real servers and workers. (1) Never: the county's signalling works but it announces
// an address its UDP port does not listen on (as a firewall dropping the edge's packets would leave it). The edge
// declares it silent (edge_feed_silent), closes the classroom's socket, refuses its rejoin by that name (the client's
// failed-join path then takes it to the county), says `live: false` in its health, shows it on the status page and
// logs it. (2) It stops mid-lesson: the county's consumers for the edge pause while the lesson stays on air (as a
// route or firewall change would leave it): the classroom, which had a picture, is sent to the county the same way.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { EdgeCodeResponse, EdgePaths, EdgeStatus } from '../../../../src/shared/edge-protocol.ts';
import { CapabilitiesResponse, livePaths } from '../../../../src/shared/live-protocol.ts';
import { HealthResponse, HubPaths } from '../../../../src/shared/protocol.ts';
import { enrollDevice, rawLiveSocket } from '../../../../tests/support/live-page.ts';
import { waitFor } from '../../../../tests/support/ports.ts';
import { openDatabase, type HubDatabase } from '../../../core/db/open-database.ts';
import { seedDemo } from '../../demo/seed-demo.ts';
import { createHub } from '../../../county/create-hub.ts';
import { DEMO_LIVE_LESSON_ID, ensureDemoLiveLesson, startDemoBroadcast, type DemoBroadcast } from '../../live/broadcast/demo-live.ts';
import { createLiveSfu, liveUnavailableReason, type LiveSfu } from '../../live/sfu/live-sfu.ts';
import { createEdge } from '../../../school-edge/edge-app.ts';
import { enrollEdgeUpstream } from './edge-identity.ts';

const ADMIN = 'admin-secret-for-edge-silent-0123456789';
const EDGE_ADMIN = 'edge-admin-secret-0123456789';
const workerReason = liveUnavailableReason();

type Pair = { db: HubDatabase; countySfu: LiveSfu; edgeSfu: LiveSfu; county: FastifyInstance; edge: FastifyInstance; countyBase: string; edgeBase: string; broadcast: DemoBroadcast; dir: string };

/** A county with the demo broadcast on air and a school edge enrolled with it; `announcedIp` is the feed's. */
async function startPair(name: string, announcedIp: string, liveSilence: { feedSilentMs: number; feedStoppedMs?: number }, logs: string[], ingestSilenceMs?: number): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), `edge-${name}-`));
  const db = openDatabase(join(dir, 'hub.sqlite'));
  await seedDemo(db, new Date());
  await ensureDemoLiveLesson(db, new Date());
  const ingestWatch = ingestSilenceMs ? { ingestWatch: { silenceMs: ingestSilenceMs, checkEveryMs: 1_000, log: () => undefined } } : {};
  const countySfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1', ...ingestWatch });
  const county = await createHub({ db, hubName: '县中心', adminToken: ADMIN, live: { sfu: countySfu, edgeFeed: { listenIp: '127.0.0.1', announcedIp } } });
  const countyBase = await county.listen({ host: '127.0.0.1', port: 0 });
  const broadcast = await startDemoBroadcast(countySfu, { courseware: false });
  const codeRes = await fetch(`${countyBase}${EdgePaths.codes}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ schoolId: 'sch-zj' }),
  });
  const { code } = EdgeCodeResponse.parse(await codeRes.json());
  mkdirSync(join(dir, 'edge'));
  const identity = await enrollEdgeUpstream({ dataDir: join(dir, 'edge'), upstream: countyBase, code, edgeName: '昭觉本校服务器' });
  const edgeSfu = await createLiveSfu({ rtcPort: 0, listenIp: '127.0.0.1', announcedIp: '127.0.0.1' });
  const edge = await createEdge({
    edgeName: identity.edgeName,
    school: identity.school,
    upstream: countyBase,
    edgeToken: identity.token,
    adminToken: EDGE_ADMIN,
    cacheDir: join(dir, 'edge', 'cache'),
    cacheCapBytes: 1e9,
    sfu: edgeSfu,
    liveSilence,
    log: (line) => logs.push(line),
  });
  const edgeBase = await edge.listen({ host: '127.0.0.1', port: 0 });
  return { db, countySfu, edgeSfu, county, edge, countyBase, edgeBase, broadcast, dir };
}

async function stopPair(pair: Pair | undefined) {
  if (!pair) return;
  await pair.edge.close();
  pair.edgeSfu.close();
  await pair.broadcast.stop();
  await pair.county.close();
  pair.countySfu.close();
  await pair.db.close();
  rmSync(pair.dir, { recursive: true, force: true });
}

/** A classroom of the edge's school joined on the edge, and a promise of its socket's close. */
async function joinOnEdge(pair: Pair) {
  const caps = CapabilitiesResponse.parse(await (await fetch(`${pair.edgeBase}${livePaths.capabilities}`)).json()).routerRtpCapabilities;
  const token = await enrollDevice(pair.countyBase, 'DEMO-ZJ-1');
  const socket = await rawLiveSocket(pair.edgeBase);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const join = { lessonId: DEMO_LIVE_LESSON_ID, token, role: 'viewer', media: { rtpCapabilities: caps } };
  expect(await socket.call('join', join)).toMatchObject({ kind: 'response', ok: true });
  return { closed, join };
}

/** RTP bytes the edge's producers of the lesson have received so far. */
async function rtpAtEdge(pair: Pair): Promise<number> {
  const producers = pair.edgeSfu.existingRoom(DEMO_LIVE_LESSON_ID)?.producers() ?? [];
  const bytes = await Promise.all(producers.map(async (p) => (await p.getStats()).reduce((sum, s) => sum + s.byteCount, 0)));
  return bytes.reduce((a, b) => a + b, 0);
}

describe.skipIf(workerReason !== null)(`a silent feed sends classrooms to the county${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let pair: Pair | undefined;
  const logs: string[] = [];
  afterAll(() => stopPair(pair));

  it('never arrives: closes the classroom’s socket, refuses its rejoin with edge_feed_silent, drops live from its health, and shows why', async () => {
    // The feed's port listens on 127.0.0.1 but is announced on 127.0.0.2: the edge's packets never reach it.
    pair = await startPair('silent', '127.0.0.2', { feedSilentMs: 1_500 }, logs);
    const { edgeBase } = pair;
    const health = async () => HealthResponse.parse(await (await fetch(`${edgeBase}${HubPaths.health}`)).json());
    expect((await health()).live).toBe(true);
    const { closed, join } = await joinOnEdge(pair);

    expect(await closed).toEqual({ code: 4000, reason: 'edge_feed_silent' });
    const again = await rawLiveSocket(edgeBase);
    expect(await again.call('join', join)).toMatchObject({ kind: 'response', ok: false, error: { code: 'edge_feed_silent' } });
    again.ws.close();
    expect((await health()).live).toBe(false);

    const status = EdgeStatus.parse(await (await fetch(`${edgeBase}${EdgePaths.status}`, { headers: { authorization: `Bearer ${EDGE_ADMIN}` } })).json());
    expect(status.live?.silent).toMatchObject({ lessonId: DEMO_LIVE_LESSON_ID, kind: 'never_arrived' });
    expect(status.live?.silentEvents).toBe(1);
    const page = await (await fetch(`${edgeBase}${EdgePaths.statusPage}?key=${EDGE_ADMIN}`)).text();
    expect(page).toContain('直播转发暂停：</strong>县中心的直播数据到不了本机');
    await waitFor(async () => (logs.some((l) => l.includes('edge_feed_silent: no RTP from the county hub')) ? true : undefined), 'the log line', 5_000);
  }, 60_000);
});

describe.skipIf(workerReason !== null)(`a feed that stops mid-lesson sends classrooms to the county${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let pair: Pair | undefined;
  const logs: string[] = [];
  afterAll(() => stopPair(pair));

  it('had a picture, then none while the county is on air: the classroom’s socket is closed with edge_feed_silent and the log says it stopped', async () => {
    pair = await startPair('stopped', '127.0.0.1', { feedSilentMs: 1_500, feedStoppedMs: 3_000 }, logs);
    // The county's consumers made from now on are the edge's feed (the broadcaster's own transports came before).
    const countyRoom = await pair.countySfu.room(DEMO_LIVE_LESSON_ID);
    const feedConsumers: { pause(): Promise<void> }[] = [];
    countyRoom.router.observer.on('newtransport', (transport) => transport.observer.on('newconsumer', (consumer) => feedConsumers.push(consumer)));
    const { closed } = await joinOnEdge(pair);
    const edgeBytes = rtpAtEdge.bind(null, pair);
    await waitFor(async () => ((await edgeBytes()) > 20_000 ? true : undefined), 'RTP at the edge', 20_000);
    let still = true;
    void closed.then(() => (still = false));
    expect(still).toBe(true); // a working feed is left alone

    for (const consumer of feedConsumers) await consumer.pause(); // the county sends nothing more; still on air
    expect(feedConsumers.length).toBeGreaterThanOrEqual(2);
    expect(countyRoom.onAir).toBe(true);
    expect(await closed).toEqual({ code: 4000, reason: 'edge_feed_silent' });
    await waitFor(async () => (logs.some((l) => l.includes('edge_feed_silent: RTP from the county hub stopped mid-lesson')) ? true : undefined), 'the log line', 5_000);
    const status = EdgeStatus.parse(await (await fetch(`${pair.edgeBase}${EdgePaths.status}`, { headers: { authorization: `Bearer ${EDGE_ADMIN}` } })).json());
    expect(status.live?.silent).toMatchObject({ lessonId: DEMO_LIVE_LESSON_ID, kind: 'stopped' });
    const page = await (await fetch(`${pair.edgeBase}${EdgePaths.statusPage}?key=${EDGE_ADMIN}`)).text();
    expect(page).toContain('县中心的直播数据在上课中途断了');
  }, 60_000);
});

describe.skipIf(workerReason !== null)(`a lead whose media stops reaching the county leaves the edge alone${workerReason ? ` (skipped: ${workerReason})` : ''}`, () => {
  let pair: Pair | undefined;
  let paused: string[] = [];
  const logs: string[] = [];
  afterAll(async () => {
    if (paused.length > 0) execFileSync('kill', ['-CONT', ...paused]);
    await stopPair(pair);
  });

  it('the county on air but receiving nothing itself: no edge_feed_silent (the classrooms would be no better off at the county)', async () => {
    // The county keeps an ingest on air for a minute without media (its default takes it off after 5 s), as it keeps a
    // lead console whose link dropped until its socket times out.
    pair = await startPair('lead-gone', '127.0.0.1', { feedSilentMs: 1_500 }, logs, 60_000);
    const { closed } = await joinOnEdge(pair);
    const edgeBytes = rtpAtEdge.bind(null, pair);
    await waitFor(async () => ((await edgeBytes()) > 20_000 ? true : undefined), 'RTP at the edge', 20_000);
    let kicked = false;
    void closed.then(() => (kicked = true));
    // The broadcaster (ffmpeg, under this worker's `sh` watchdog) is frozen: no more RTP anywhere, still on air.
    const shells = execFileSync('pgrep', ['-P', String(process.pid), '-x', 'sh'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    paused = shells.flatMap((sh) => execFileSync('pgrep', ['-P', sh, '-x', 'ffmpeg'], { encoding: 'utf8' }).split('\n').filter(Boolean));
    expect(paused.length).toBeGreaterThan(0);
    execFileSync('kill', ['-STOP', ...paused]);
    let previous = -1;
    const frozen = await waitFor(
      async () => {
        const bytes = await edgeBytes();
        const settled = bytes === previous; // what was on the way has arrived
        previous = bytes;
        return settled ? bytes : undefined;
      },
      'RTP at the edge to stop',
      10_000,
      500,
    );
    const countyRoom = await pair.countySfu.room(DEMO_LIVE_LESSON_ID);
    // A kick, or the end of a window longer than the edge's 15 s rule for media that stops mid-lesson.
    const until = Date.now() + 20_000;
    await waitFor(() => Promise.resolve(kicked || Date.now() >= until ? true : undefined), 'a kick or the window', 30_000, 250);
    expect(kicked).toBe(false);
    expect(await edgeBytes()).toBe(frozen); // nothing came all along
    expect(countyRoom.onAir).toBe(true); // and the county stayed on air
    expect(logs.filter((l) => l.includes('edge_feed_silent'))).toEqual([]);
  }, 90_000);
});
