// The hub's SFU: one mediasoup worker, one WebRtcServer (every viewer transport shares its UDP and TCP port, so a school
// firewall needs one rule and a UDP-blocking one still gets ICE-TCP), and a LiveRoom per live lesson, made on demand.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { LiveRoom, mediaCodecs, type IngestWatch } from './live-room.ts';
import { findWorkerBin } from './worker-bin.ts';

export type LiveSfuOptions = {
  /** UDP and TCP port of the WebRtcServer (HUB_RTC_PORT). */
  rtcPort: number;
  /** Address the SFU listens on for viewers (HUB_RTC_LISTEN_IP), default all interfaces. */
  listenIp?: string;
  /** Address given to browsers in ICE candidates (HUB_RTC_ANNOUNCED_IP); default: each interface's own address. */
  announcedIp?: string;
  /** Where the headless broadcaster sends RTP; loopback unless the broadcaster runs elsewhere. */
  ingestIp?: string;
  logLevel?: ms.WorkerLogLevel;
  /** How a silent broadcast is noticed (default: 5 s without RTP, checked every second). */
  ingestWatch?: IngestWatch;
};

export type LiveSfu = {
  room(lessonId: string): Promise<LiveRoom>;
  existingRoom(lessonId: string): LiveRoom | undefined;
  /** Calls `listener` for every room, those already made and each one made later (the lesson recorder watches them). */
  onRoom(listener: (room: LiveRoom) => void): void;
  /** Every room's router has these (same codecs, same order): served before a classroom joins, to save a round trip. */
  routerRtpCapabilities: ms.RtpCapabilities;
  webRtcServer: ms.WebRtcServer;
  close(): void;
};

/** Why live lessons cannot run on this hub, or null when a worker binary is there. */
export function liveUnavailableReason(): string | null {
  const found = findWorkerBin();
  return found.path === null ? found.reason : null;
}

/**
 * Where the WebRtcServer listens and what it tells browsers. With an announced address (a hub behind NAT, or one name
 * for all classrooms) that one; with a specific listen address, that one; otherwise every IPv4 address of the machine,
 * each announced as itself, so a browser picks one it can reach. Loopback goes last: Chromium does not pair UDP with
 * a loopback candidate (only with --allow-loopback-in-peer-connection), and a hub that announced only 127.0.0.1 left a
 * browser on the same machine on ICE-TCP. UDP entries come first: mediasoup ranks candidates in this order.
 */
export function rtcListenInfos(o: {
  port: number;
  listenIp?: string | undefined;
  announcedIp?: string | undefined;
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
}): ms.WebRtcServerListenInfo[] {
  let addresses: { ip: string; announcedAddress?: string }[];
  if (o.announcedIp) addresses = [{ ip: o.listenIp ?? '0.0.0.0', announcedAddress: o.announcedIp }];
  else if (o.listenIp && o.listenIp !== '0.0.0.0') addresses = [{ ip: o.listenIp }];
  else {
    const ipv4 = Object.values(o.interfaces)
      .flatMap((list) => list ?? [])
      .filter((i) => i.family === 'IPv4');
    addresses = [...ipv4.filter((i) => !i.internal), ...ipv4.filter((i) => i.internal)].map((i) => ({ ip: i.address }));
    if (addresses.length === 0) addresses = [{ ip: '127.0.0.1' }];
  }
  return [
    ...addresses.map((a) => ({ protocol: 'udp' as const, ...a, port: o.port })),
    ...addresses.map((a) => ({ protocol: 'tcp' as const, ...a, port: o.port })),
  ];
}

export async function createLiveSfu(options: LiveSfuOptions): Promise<LiveSfu> {
  const found = findWorkerBin();
  if (found.path === null) throw new Error(found.reason);
  const worker = await mediasoup.createWorker({ logLevel: options.logLevel ?? 'warn', workerBin: found.path });
  const webRtcServer = await worker.createWebRtcServer({
    listenInfos: rtcListenInfos({ port: options.rtcPort, listenIp: options.listenIp, announcedIp: options.announcedIp, interfaces: networkInterfaces() }),
  });
  // A router made only to read the capabilities every room's router will have.
  const capsRouter = await worker.createRouter({ mediaCodecs });
  const routerRtpCapabilities = capsRouter.rtpCapabilities;
  capsRouter.close();
  const rooms = new Map<string, Promise<LiveRoom>>();
  const ready = new Map<string, LiveRoom>();
  const roomListeners: ((room: LiveRoom) => void)[] = [];
  worker.on('died', (error) => {
    // The hub cannot serve live lessons without its worker; exiting lets the supervisor restart everything cleanly.
    process.stderr.write(`hub: mediasoup worker died: ${String(error)}\n`);
    process.exit(1);
  });

  return {
    webRtcServer,
    routerRtpCapabilities,
    room(lessonId) {
      let room = rooms.get(lessonId);
      if (!room) {
        room = worker.createRouter({ mediaCodecs }).then((router) => {
          const created = new LiveRoom(lessonId, router, options.ingestIp ?? '127.0.0.1', options.ingestWatch);
          ready.set(lessonId, created);
          for (const listener of roomListeners) listener(created);
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
    onRoom(listener) {
      roomListeners.push(listener);
      for (const room of ready.values()) listener(room);
    },
    close() {
      worker.close();
    },
  };
}
