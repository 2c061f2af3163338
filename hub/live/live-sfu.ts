// The hub's SFU: one mediasoup worker, one WebRtcServer (every viewer transport shares its UDP and TCP port, so a school
// firewall needs one rule and a UDP-blocking one still gets ICE-TCP), and a LiveRoom per live lesson, made on demand.
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { LiveRoom, mediaCodecs } from './live-room.ts';
import { findWorkerBin } from './worker-bin.ts';

export type LiveSfuOptions = {
  /** UDP and TCP port of the WebRtcServer (HUB_RTC_PORT). */
  rtcPort: number;
  /** Address the SFU listens on for viewers (HUB_RTC_LISTEN_IP), default all interfaces. */
  listenIp?: string;
  /** Address given to browsers in ICE candidates (HUB_RTC_ANNOUNCED_IP). */
  announcedIp: string;
  /** Where the headless broadcaster sends RTP; loopback unless the broadcaster runs elsewhere. */
  ingestIp?: string;
  logLevel?: ms.WorkerLogLevel;
};

export type LiveSfu = {
  room(lessonId: string): Promise<LiveRoom>;
  existingRoom(lessonId: string): LiveRoom | undefined;
  webRtcServer: ms.WebRtcServer;
  close(): void;
};

/** Why live lessons cannot run on this hub, or null when a worker binary is there. */
export function liveUnavailableReason(): string | null {
  const found = findWorkerBin();
  return found.path === null ? found.reason : null;
}

export async function createLiveSfu(options: LiveSfuOptions): Promise<LiveSfu> {
  const found = findWorkerBin();
  if (found.path === null) throw new Error(found.reason);
  const worker = await mediasoup.createWorker({ logLevel: options.logLevel ?? 'warn', workerBin: found.path });
  const listen = { ip: options.listenIp ?? '0.0.0.0', announcedAddress: options.announcedIp, port: options.rtcPort };
  const webRtcServer = await worker.createWebRtcServer({
    listenInfos: [
      { protocol: 'udp', ...listen },
      { protocol: 'tcp', ...listen },
    ],
  });
  const rooms = new Map<string, Promise<LiveRoom>>();
  const ready = new Map<string, LiveRoom>();
  worker.on('died', (error) => {
    // The hub cannot serve live lessons without its worker; exiting lets the supervisor restart everything cleanly.
    process.stderr.write(`hub: mediasoup worker died: ${String(error)}\n`);
    process.exit(1);
  });

  return {
    webRtcServer,
    room(lessonId) {
      let room = rooms.get(lessonId);
      if (!room) {
        room = worker.createRouter({ mediaCodecs }).then((router) => {
          const created = new LiveRoom(lessonId, router, options.ingestIp ?? '127.0.0.1');
          ready.set(lessonId, created);
          return created;
        });
        rooms.set(lessonId, room);
        room.catch(() => rooms.delete(lessonId));
      }
      return room;
    },
    existingRoom(lessonId) {
      return ready.get(lessonId);
    },
    close() {
      worker.close();
    },
  };
}
