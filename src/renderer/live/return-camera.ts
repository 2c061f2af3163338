// The classroom's own camera back to the lead console (同屏互动), small and capped: 320×180 at 15 fps, ≤ 250 kbps here
// and ≤ 300 kbps enforced by the SFU, so it never crowds out the lesson on a village link.
import type { Device, types as msc } from 'mediasoup-client';
import type { LiveSocket } from './live-socket.ts';

export type ReturnCamera = { stop(): Promise<void> };

export async function startReturnCamera(device: Pick<Device, 'createSendTransport'>, socket: LiveSocket, media: MediaDevices): Promise<ReturnCamera> {
  const stream = await media.getUserMedia({ video: { width: 320, height: 180, frameRate: 15 }, audio: false });
  const [track] = stream.getVideoTracks();
  if (!track) throw new Error('no camera track');
  let transport: msc.Transport | null = null;
  try {
    const info = await socket.request('createSendTransport', {});
    const send = device.createSendTransport({
      id: info.id,
      iceParameters: info.iceParameters as msc.IceParameters,
      iceCandidates: info.iceCandidates as msc.IceCandidate[],
      dtlsParameters: info.dtlsParameters as msc.DtlsParameters,
    });
    transport = send;
    send.on('connect', ({ dtlsParameters }, ok, fail) => {
      socket.request('connectTransport', { transportId: send.id, dtlsParameters }).then(() => ok(), fail);
    });
    send.on('produce', ({ kind, rtpParameters }, ok, fail) => {
      socket.request('produce', { transportId: send.id, kind, rtpParameters: { ...rtpParameters } }).then(({ producerId }) => ok({ id: producerId }), fail);
    });
    const producer = await send.produce({ track, encodings: [{ maxBitrate: 250_000 }], stopTracks: true });
    return {
      async stop() {
        await socket.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
        producer.close();
        send.close();
        track.stop();
      },
    };
  } catch (error) {
    transport?.close();
    track.stop();
    throw error;
  }
}
