// Classrooms' return cameras through the school edge. A classroom here produces its camera on the edge's router as it
// would on the county's (LivePeer, unchanged: the room's `returnVideos`); this module is that room's console, so to
// speak: it consumes each return camera on the feed's PlainTransport — the same 5-tuple the lesson comes down, which
// the county learnt through the school's NAT — and asks the county to produce it there with that consumer's RTP
// parameters as the classroom's own camera (the classroom's token proves which one). A camera closed here, or its
// classroom gone, is closed at the county too; the feed's transport closing closes all of them there.
import type { types as ms } from 'mediasoup';
import { EdgeLivePaths, EdgeReturnResponse } from '../../../../src/shared/edge-live-protocol.ts';
import type { LiveNotification } from '../../../../src/shared/live-protocol.ts';
import type { LiveRoom } from '../../live/sfu/live-room.ts';
import type { Upstream } from './upstream.ts';

type Up = { consumer: ms.Consumer; producerId: string; transportId: string };

export class EdgeReturnCameras {
  /** Each classroom's device token, by its county peer id: the county attributes a camera by it. */
  private readonly tokens = new Map<string, string>();
  private readonly ups = new Map<string, Up>();
  /** Producers the county refused as not the classroom's to send (logged once; not asked again each refresh). */
  private readonly refused = new Set<string>();
  private transport: ms.PlainTransport | null = null;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly onConsole = (n: LiveNotification) => {
    if (n.type === 'returnVideo') void this.sync();
  };

  constructor(
    private readonly room: LiveRoom,
    private readonly upstream: Upstream,
    private readonly log: (line: string) => void,
  ) {
    room.on('console', this.onConsole);
  }

  /** A classroom joined here: its camera, if it sends one, may go up. */
  attach(peerId: string, token: string) {
    this.tokens.set(peerId, token);
    void this.sync();
  }

  forget(peerId: string) {
    this.tokens.delete(peerId);
    void this.sync();
  }

  /** The feed's transport to the county (new after a county restart; null while there is none). */
  setTransport(transport: ms.PlainTransport | null) {
    this.transport = transport;
    void this.sync();
  }

  /** How many cameras go up now. */
  get count(): number {
    return this.ups.size;
  }

  /** Brings what goes up in line with the room's return cameras; one pass at a time, in order. */
  sync(): Promise<void> {
    this.queue = this.queue
      .then(() => this.doSync())
      .catch((error: unknown) => this.log(`edge: live ${this.room.lessonId}: return camera: ${error instanceof Error ? error.message : String(error)}`));
    return this.queue;
  }

  private async doSync() {
    const transport = this.closed || this.transport?.closed ? null : this.transport;
    for (const [peerId, up] of [...this.ups]) {
      const entry = this.room.returnVideos.get(peerId);
      const sameTransport = transport !== null && up.transportId === transport.id;
      if (sameTransport && entry?.producer.id === up.producerId && this.tokens.has(peerId) && !up.consumer.closed) continue;
      this.ups.delete(peerId);
      up.consumer.close();
      // On a transport that went the county's producer went with its own transport: nothing to say.
      if (sameTransport) await this.closeAtCounty(peerId);
    }
    const live = new Set([...this.room.returnVideos.values()].map((v) => v.producer.id));
    for (const id of this.refused) if (!live.has(id)) this.refused.delete(id);
    if (!transport) return;
    for (const [peerId, entry] of this.room.returnVideos) {
      const token = this.tokens.get(peerId);
      if (this.ups.has(peerId) || !token || this.refused.has(entry.producer.id) || entry.producer.closed) continue;
      const consumer = await transport.consume({ producerId: entry.producer.id, rtpCapabilities: this.room.router.rtpCapabilities });
      this.ups.set(peerId, { consumer, producerId: entry.producer.id, transportId: transport.id });
      const undo = () => {
        this.ups.delete(peerId);
        consumer.close();
      };
      // Unreachable or refused: undone; tried again on the feed's next refresh unless the classroom may not send.
      const res = await this.upstream
        .send(EdgeLivePaths.returnVideo(this.room.lessonId, peerId), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token, rtpParameters: consumer.rtpParameters }),
        })
        .catch((error: unknown) => {
          undo();
          throw error;
        });
      if (!res.ok) {
        undo();
        // Who may send is settled (token, school): not asked again. Anything else (the feed just renewed) is retried.
        if (res.status === 401 || res.status === 403) this.refused.add(entry.producer.id);
        throw await this.upstream.refusal(res);
      }
      const { producerId } = EdgeReturnResponse.parse(await res.json());
      this.log(`edge: live ${this.room.lessonId}: return camera of ${peerId} up as ${producerId}`);
    }
  }

  private async closeAtCounty(peerId: string) {
    const res = await this.upstream.send(EdgeLivePaths.returnVideo(this.room.lessonId, peerId), { method: 'DELETE' });
    // Not closed there: the feed's lease (or the next transport) closes it; said in the log, not dropped silently.
    if (!res.ok) this.log(`edge: live ${this.room.lessonId}: closing return camera of ${peerId} at the county: ${(await this.upstream.refusal(res, true)).message}`);
  }

  close() {
    this.closed = true;
    this.room.off('console', this.onConsole);
    for (const up of this.ups.values()) up.consumer.close();
    this.ups.clear();
    this.transport = null;
  }
}
