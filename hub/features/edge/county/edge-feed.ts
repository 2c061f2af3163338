// County side of live through a school edge: per (edge, lesson) one PlainTransport in comedia mode on the lesson's
// router and one ordinary consumer per producer on it. A school sits behind NAT, so the county cannot open a flow to
// the edge and a PipeTransport (which must be told its peer's address) does not fit; comedia learns the edge's address
// from its first packet. Being ordinary consumers, the county's simulcast logic sends one layer per video — the one the
// edge asks for — so one copy of the lesson crosses the school's uplink however many classrooms watch behind it.
import { randomUUID } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import type { EdgeFeedResponse, EdgeFeedTrack, EdgeLiveStats } from '../../../../src/shared/edge-live-protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { sourceOf, type LiveRoom } from '../../live/sfu/live-room.ts';

export type EdgeFeedOptions = {
  /** Where the feed's UDP port listens (HUB_RTC_LISTEN_IP) and the address told to edges (HUB_RTC_ANNOUNCED_IP). */
  listenIp: string;
  announcedIp?: string | undefined;
  /** A feed not refreshed for this long is closed (the edge died or lost its uplink). */
  leaseMs?: number;
  now?: () => number;
};

type Feed = {
  id: string;
  instance: string;
  edgeId: string;
  room: LiveRoom;
  transport: ms.PlainTransport;
  consumers: Map<string, { consumer: ms.Consumer; producer: ms.Producer }>;
  /** Classrooms' return cameras the edge sends up this transport, by the classroom's county peer id. */
  returns: Map<string, ms.Producer>;
  refreshedAt: number;
  bytesSent: number;
};

const key = (edgeId: string, lessonId: string) => `${edgeId}\n${lessonId}`;

export function createEdgeFeeds(options: EdgeFeedOptions) {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 30_000;
  const feeds = new Map<string, Feed>();
  let closedBytes = 0;

  function close(k: string) {
    const feed = feeds.get(k);
    if (!feed) return;
    feeds.delete(k);
    closedBytes += feed.bytesSent;
    feed.transport.close(); // closes its consumers
  }

  const sweeper = setInterval(() => {
    for (const [k, feed] of feeds) if (now() - feed.refreshedAt > leaseMs) close(k);
  }, 5_000);
  sweeper.unref();

  async function open(edgeId: string, room: LiveRoom, instance: string): Promise<Feed> {
    const transport = await room.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: options.listenIp, ...(options.announcedIp ? { announcedAddress: options.announcedIp } : {}) },
      rtcpMux: true,
      comedia: true,
    });
    const feed: Feed = { id: randomUUID(), instance, edgeId, room, transport, consumers: new Map(), returns: new Map(), refreshedAt: now(), bytesSent: 0 };
    // The room closing (hub stopping) closes the router and with it the transport.
    transport.observer.once('close', () => {
      const k = key(edgeId, room.lessonId);
      if (feeds.get(k) === feed) feeds.delete(k);
    });
    return feed;
  }

  /** Consumers for what is on air now: unchanged ones kept (their SSRCs stay), gone ones closed, new ones made. */
  async function sync(feed: Feed, caps: ms.RtpCapabilities): Promise<EdgeFeedTrack[]> {
    const producers = feed.room.producers();
    const wanted = new Set(producers.map((p) => p.id));
    for (const [id, entry] of feed.consumers) {
      if (!wanted.has(entry.producer.id) || entry.consumer.closed) {
        entry.consumer.close();
        feed.consumers.delete(id);
      }
    }
    const have = new Set([...feed.consumers.values()].map((e) => e.producer.id));
    for (const producer of producers) {
      if (have.has(producer.id)) continue;
      if (!feed.room.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
        throw new HubError('bad_request', `the edge cannot receive ${producer.kind} (${producer.rtpParameters.codecs[0]?.mimeType ?? '?'})`);
      }
      // Start on the middle layer, as a classroom does; the edge asks for more when one of its classrooms can use it.
      const layers = producer.rtpParameters.encodings?.length ?? 1;
      const consumer = await feed.transport.consume({
        producerId: producer.id,
        rtpCapabilities: caps,
        ...(layers > 1 ? { preferredLayers: { spatialLayer: Math.min(1, layers - 1) } } : {}),
      });
      feed.consumers.set(consumer.id, { consumer, producer });
    }
    return [...feed.consumers.values()].map(({ consumer, producer }) => ({
      consumerId: consumer.id,
      kind: consumer.kind,
      source: sourceOf(producer),
      rtpParameters: { ...consumer.rtpParameters },
      spatialLayers: Math.max(1, producer.rtpParameters.encodings?.length ?? 1),
    }));
  }

  return {
    /** Opens the edge's feed of this lesson, or refreshes it (lease) and brings its consumers up to date. */
    async feed(edgeId: string, room: LiveRoom, caps: ms.RtpCapabilities, instance: string): Promise<EdgeFeedResponse> {
      const k = key(edgeId, room.lessonId);
      let feed = feeds.get(k);
      if (feed && (feed.room !== room || feed.transport.closed || feed.instance !== instance)) {
        close(k);
        feed = undefined;
      }
      if (!feed) {
        feed = await open(edgeId, room, instance);
        feeds.set(k, feed);
      }
      feed.refreshedAt = now();
      const tracks = await sync(feed, caps);
      const { localPort } = feed.transport.tuple;
      const sourceBytes = (await Promise.all(room.producers().map((p) => p.getStats().catch(() => [])))).flat().reduce((sum, s) => sum + s.byteCount, 0);
      return { feedId: feed.id, ip: options.announcedIp ?? (options.listenIp === '0.0.0.0' ? null : options.listenIp), port: localPort, onAir: room.onAir, tracks, sourceBytes };
    },

    async setLayers(edgeId: string, lessonId: string, layers: { consumerId: string; spatialLayer: number }[]) {
      const feed = feeds.get(key(edgeId, lessonId));
      if (!feed) throw new HubError('not_found', `no live feed of lesson ${lessonId} for this edge`);
      for (const { consumerId, spatialLayer } of layers) {
        const consumer = feed.consumers.get(consumerId)?.consumer;
        if (!consumer) throw new HubError('not_found', `consumer ${consumerId}`);
        if (consumer.type === 'simulcast') await consumer.setPreferredLayers({ spatialLayer });
      }
    },

    /**
     * A classroom's return camera coming up the edge's feed transport (the same comedia 5-tuple the feed flows down):
     * produced with the edge consumer's RTP parameters and added to the room as that classroom's camera, so the
     * console sees it exactly as a direct classroom's. The caller has checked the classroom (its token, its school).
     */
    async addReturn(edgeId: string, lessonId: string, peerId: string, classroomName: string, rtpParameters: ms.RtpParameters) {
      const feed = feeds.get(key(edgeId, lessonId));
      if (!feed) throw new HubError('not_found', `no live feed of lesson ${lessonId} for this edge`);
      const other = feed.room.returnVideos.get(peerId);
      if (other && other.classroomName !== classroomName) throw new HubError('forbidden', `peer ${peerId} is another classroom's`);
      let producer: ms.Producer;
      try {
        producer = await feed.transport.produce({ kind: 'video', rtpParameters, appData: { source: 'camera', edgeReturn: peerId } });
      } catch (error) {
        throw new HubError('bad_request', `return camera: ${error instanceof Error ? error.message : String(error)}`);
      }
      feed.returns.get(peerId)?.close();
      feed.returns.set(peerId, producer);
      producer.observer.once('close', () => {
        if (feed.returns.get(peerId) === producer) feed.returns.delete(peerId);
      });
      feed.room.addReturnVideo(peerId, classroomName, producer);
      return { producerId: producer.id };
    },

    closeReturn(edgeId: string, lessonId: string, peerId: string): boolean {
      const producer = feeds.get(key(edgeId, lessonId))?.returns.get(peerId);
      producer?.close(); // the room tells its consoles
      return Boolean(producer);
    },

    close(edgeId: string, lessonId: string): boolean {
      const k = key(edgeId, lessonId);
      const had = feeds.has(k);
      close(k);
      return had;
    },

    async stats(): Promise<EdgeLiveStats> {
      const list = await Promise.all(
        [...feeds.values()].map(async (feed) => {
          const stats = await feed.transport.getStats().catch(() => []);
          const source = await Promise.all(feed.room.producers().map((p) => p.getStats().catch(() => [])));
          feed.bytesSent = Math.max(feed.bytesSent, stats.reduce((sum, s) => sum + s.bytesSent, 0));
          const layers = [...feed.consumers.values()]
            .filter(({ consumer }) => consumer.kind === 'video')
            .map(({ consumer, producer }) => ({ source: sourceOf(producer), spatialLayer: consumer.type === 'simulcast' ? (consumer.preferredLayers?.spatialLayer ?? null) : null }));
          return { feedId: feed.id, edgeId: feed.edgeId, lessonId: feed.room.lessonId, consumers: feed.consumers.size, layers, rtpBytesSent: feed.bytesSent, returns: feed.returns.size, sourceBytes: source.flat().reduce((sum, x) => sum + x.byteCount, 0) };
        }),
      );
      return { feeds: list, rtpBytesSent: closedBytes + list.reduce((sum, f) => sum + f.rtpBytesSent, 0) };
    },

    stop() {
      clearInterval(sweeper);
      for (const k of [...feeds.keys()]) close(k);
    },
  };
}
export type EdgeFeeds = ReturnType<typeof createEdgeFeeds>;
