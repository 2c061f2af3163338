// Edge side of one live lesson's feed: a PlainTransport on the lesson's router connected to the county's comedia port,
// and per county consumer one producer made with that consumer's own RTP parameters, added to the room as its broadcast
// (so the unchanged LiveRoom/LivePeer serve the school's classrooms from it). The feed is a lease: refreshed every few
// seconds (and on the county's onAir news) it follows what is on air; the layers asked of the county follow the highest
// layer any classroom here wants.
import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { types as ms } from 'mediasoup';
import { EdgeFeedResponse, EdgeLivePaths, type EdgeFeedTrack } from '../../../../src/shared/edge-live-protocol.ts';
import type { MediaSource } from '../../../../src/shared/live-protocol.ts';
import type { LiveRoom } from '../../live/sfu/live-room.ts';
import { watchFeed, type FeedSilence, type FeedWatchTimers } from './edge-feed-watch.ts';
import { EdgeReturnCameras } from './edge-live-return.ts';
import type { Upstream } from './upstream.ts';

/** Opus payload type and SSRC of the keepalive: any packet from the edge's port tells the county where to send. */
const KEEPALIVE_PT = 100;
const KEEPALIVE_SSRC = 0x5eed0001;
const KEEPALIVE_EVERY_MS = 2_000;
/** Layer asked for a video no classroom has said anything about yet: the middle one, as a classroom starts. */
const DEFAULT_LAYER = 1;

type Pipe = { transport: ms.PlainTransport; direct: ms.DirectTransport; keepalive: ms.Producer; timer: NodeJS.Timeout; feedId: string; stopWatch: () => void };

/** How the feed's RTP is watched (edge-feed-watch.ts) and whom to tell when none arrives. */
export type FeedSilenceWatch = { silentMs: number; stoppedMs?: number; checkEveryMs: number; now: () => number; timers: FeedWatchTimers; onSilent: (silence: FeedSilence) => void };

export class EdgeLessonFeed {
  private pipe: Pipe | null = null;
  /** By county consumer id. */
  private readonly producers = new Map<string, { producer: ms.Producer; track: EdgeFeedTrack }>();
  /** Each classroom's wish per video source (null: paused). */
  private readonly wishes = new Map<string, Map<MediaSource, number | null>>();
  private sentLayers = new Map<string, number>();
  private refreshing: Promise<void> | null = null;
  /** Whether the county answered the last refresh, and whether its sources brought it anything since the one before
   *  (rtpBytes). */
  private countyAnswers = true;
  private countyReceives = true;
  private lastSourceBytes: number | undefined;
  private closed = false;
  /** Tells the county this is a new feed (after an edge restart its transport must not keep the old address). */
  private readonly instance = randomUUID();
  /** Classrooms' cameras going up the same transport. */
  readonly returns: EdgeReturnCameras;

  constructor(
    readonly room: LiveRoom,
    private readonly upstream: Upstream,
    private readonly countyHost: string,
    private readonly log: (line: string) => void,
    private readonly watch?: FeedSilenceWatch,
  ) {
    this.returns = new EdgeReturnCameras(room, upstream, log);
  }

  /** Asks the county for the feed (opens it, or renews the lease) and follows its answer; one refresh at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh()
      .then(
        () => void (this.countyAnswers = true),
        (error: unknown) => {
          this.countyAnswers = false;
          throw error;
        },
      )
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh() {
    if (this.closed) return;
    const answer = await this.upstream.json(EdgeFeedResponse, EdgeLivePaths.feed(this.room.lessonId), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rtpCapabilities: this.room.router.rtpCapabilities, instance: this.instance }),
    });
    if (this.closed) return;
    // Unknown (an older county) counts as receiving: the watch then works as before.
    this.countyReceives = answer.sourceBytes === undefined || this.lastSourceBytes === undefined || answer.sourceBytes !== this.lastSourceBytes;
    this.lastSourceBytes = answer.sourceBytes;
    if (this.pipe?.feedId !== answer.feedId) await this.connect(answer);
    const pipe = this.pipe;
    if (!pipe) return;
    const wanted = new Set(answer.tracks.map((t) => t.consumerId));
    for (const [id, { producer }] of this.producers) {
      if (wanted.has(id)) continue;
      producer.close();
      this.producers.delete(id);
    }
    for (const track of answer.tracks) {
      if (this.producers.has(track.consumerId)) continue;
      const producer = await pipe.transport.produce({
        kind: track.kind,
        rtpParameters: track.rtpParameters as unknown as ms.RtpParameters,
        // spatialLayers: what classrooms here may ask for (the county has them all; one crosses the uplink).
        appData: { source: track.source, spatialLayers: track.spatialLayers },
      });
      this.producers.set(track.consumerId, { producer, track });
      this.room.addConsoleProducer(producer);
    }
    this.sentLayers = new Map([...this.sentLayers].filter(([id]) => wanted.has(id)));
    void this.returns.sync(); // a camera the county could not take before is offered again
    await this.sendLayers();
  }

  private async connect(answer: EdgeFeedResponse) {
    this.closePipe();
    const ip = answer.ip ?? (isIP(this.countyHost) ? this.countyHost : (await lookup(this.countyHost, { family: 4 })).address);
    const router = this.room.router;
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '0.0.0.0' }, rtcpMux: true, comedia: false });
    await transport.connect({ ip, port: answer.port });
    // The county learns this transport's address (through the school's NAT) from the first packet it sends; a producer
    // sends nothing before it receives, so a tiny keepalive stream goes out through a consumer of a Node-fed producer.
    const direct = await router.createDirectTransport();
    const keepalive = await direct.produce({
      kind: 'audio',
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: KEEPALIVE_PT, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: KEEPALIVE_SSRC }] },
      appData: { keepalive: true },
    });
    await transport.consume({ producerId: keepalive.id, rtpCapabilities: router.rtpCapabilities });
    let seq = 0;
    const ping = () => {
      const packet = Buffer.alloc(15);
      packet[0] = 0x80;
      packet[1] = KEEPALIVE_PT;
      packet.writeUInt16BE(seq++ & 0xffff, 2);
      packet.writeUInt32BE((seq * 960) >>> 0, 4);
      packet.writeUInt32BE(KEEPALIVE_SSRC, 8);
      packet.set([0xf8, 0xff, 0xfe], 12); // an Opus silence frame
      if (!keepalive.closed) keepalive.send(packet);
    };
    ping();
    const timer = setInterval(ping, KEEPALIVE_EVERY_MS);
    timer.unref();
    // A county whose UDP never arrives or stops mid-lesson (signalling fine, RTP dropped): classrooms are better off at
    // the county itself.
    const watch = this.watch;
    const stopWatch = watch
      ? watchFeed({ ...watch, bytes: () => this.rtpBytes(), log: this.log, onSilent: (silence) => watch.onSilent(silence) })
      : () => undefined;
    this.pipe = { transport, direct, keepalive, timer, feedId: answer.feedId, stopWatch };
    this.returns.setTransport(transport);
    this.log(`edge: live ${this.room.lessonId}: feed ${answer.feedId} from ${ip}:${answer.port}`);
  }

  /**
   * RTP bytes the feed's producers received; null (nothing to expect) while nothing is on air, while the county does
   * not answer the feed's refresh (restarting or out of reach: not a broken UDP path, and its classrooms could not go
   * there either; the next answer is a new feed, watched afresh), and while the county itself receives nothing from the
   * lead (the lead school's link dropped with its console still on air: the classrooms are no better off there).
   */
  async rtpBytes(): Promise<number | null> {
    if (!this.countyAnswers || !this.countyReceives) return null;
    const producers = [...this.producers.values()].map((p) => p.producer).filter((p) => !p.closed);
    if (producers.length === 0) return null;
    const stats = await Promise.all(producers.map((p) => p.getStats()));
    return stats.flat().reduce((sum, s) => sum + s.byteCount, 0);
  }

  /** What the status page shows: bytes received on the feed's transport (RTP and RTCP) and the layers asked. */
  async status() {
    const transportStats = this.pipe ? await this.pipe.transport.getStats().catch(() => []) : [];
    const wanted = this.layersWanted();
    return {
      bytesReceived: transportStats.reduce((sum, s) => sum + s.bytesReceived, 0),
      layers: [...this.producers].filter(([, p]) => p.track.kind === 'video').map(([id, p]) => ({ source: p.track.source, spatialLayer: wanted.get(id) ?? 0 })),
      returns: this.returns.count,
    };
  }

  /** A classroom's wish for one video (the maxSpatialLayer it asked, null = paused); forgotten when it leaves. */
  setWish(peerId: string, source: MediaSource, layer: number | null) {
    const mine = this.wishes.get(peerId) ?? new Map<MediaSource, number | null>();
    mine.set(source, layer);
    this.wishes.set(peerId, mine);
    void this.sendLayers().catch((error: unknown) => this.log(`edge: live ${this.room.lessonId}: layers: ${String(error)}`));
  }

  forget(peerId: string) {
    this.wishes.delete(peerId);
    this.returns.forget(peerId);
  }

  /** What the county should send per video: the highest layer any classroom here wants (paused ones want none). */
  layersWanted(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [consumerId, { track }] of this.producers) {
      if (track.kind !== 'video' || track.spatialLayers < 2) continue;
      let best: number | null = null;
      let anyWish = false;
      for (const mine of this.wishes.values()) {
        if (!mine.has(track.source)) continue;
        anyWish = true;
        const layer = mine.get(track.source);
        if (layer !== null && layer !== undefined) best = Math.max(best ?? 0, layer);
      }
      const layer = anyWish ? (best ?? 0) : DEFAULT_LAYER;
      out.set(consumerId, Math.min(layer, track.spatialLayers - 1));
    }
    return out;
  }

  private async sendLayers() {
    const wanted = this.layersWanted();
    const changed = [...wanted].filter(([id, layer]) => this.sentLayers.get(id) !== layer);
    if (changed.length === 0 || this.closed) return;
    for (const [id, layer] of changed) this.sentLayers.set(id, layer);
    const res = await this.upstream.send(EdgeLivePaths.layers(this.room.lessonId), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ layers: changed.map(([consumerId, spatialLayer]) => ({ consumerId, spatialLayer })) }),
    });
    if (!res.ok) {
      for (const [id] of changed) this.sentLayers.delete(id); // asked again on the next refresh
      throw await this.upstream.refusal(res, true);
    }
  }

  private closePipe() {
    const pipe = this.pipe;
    if (!pipe) return;
    this.pipe = null;
    this.returns.setTransport(null);
    pipe.stopWatch();
    clearInterval(pipe.timer);
    pipe.transport.close(); // closes its producers: the room goes off air and classrooms hear it
    pipe.direct.close();
    this.producers.clear();
    this.sentLayers.clear();
  }

  /** Stops the feed here and at the county (best effort: the county's lease ends it anyway). */
  async close() {
    if (this.closed) return;
    this.closed = true;
    this.closePipe();
    this.returns.close();
    await this.upstream.send(EdgeLivePaths.feed(this.room.lessonId), { method: 'DELETE' }).catch(() => undefined);
  }
}
