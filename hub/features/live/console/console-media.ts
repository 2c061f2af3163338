// What the lead console sends: the camera + microphone, and at the same time the courseware (a screen or window marked
// as detailed content: full resolution, a few frames per second), each video simulcast so every classroom gets the
// layer its link carries. Both go out on one send transport, tagged so classrooms know which is which. The tracks
// outlive the transport: after a reconnect (lead-console.ts) the same camera and screen go on air again.
import type { Device, types as msc } from 'mediasoup-client';
import type { VideoSource } from '../../../../src/shared/live-protocol.ts';
import type { ConsoleRequest } from './console-socket.ts';

/** Camera: three layers; the lowest (320×180, 150 kbps) is dropped first on a thin link. */
const CAMERA_LAYERS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 400_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];
/** Courseware: half resolution at 2 fps within 60 kbps is what a thin link keeps with the audio; full at 5 fps above. */
const COURSEWARE_LAYERS: RTCRtpEncodingParameters[] = [
  { scaleResolutionDownBy: 2, maxBitrate: 60_000, maxFramerate: 2 },
  { scaleResolutionDownBy: 1, maxBitrate: 800_000, maxFramerate: 5 },
];

export type ConsoleMedia = {
  /** Opens the camera and microphone, or sends `existing` (what was on air before a reconnect). */
  startCamera(existing?: MediaStream): Promise<MediaStream>;
  /** Shares a screen or window as courseware; resolves with its stream, or null if the teacher cancelled the picker. */
  startCourseware(onEnded: () => void): Promise<MediaStream | null>;
  /** Sends a screen already shared (after a reconnect). */
  resumeCourseware(screen: MediaStream): Promise<void>;
  stopCourseware(): Promise<void>;
  /** The socket went: its transport is dropped; the tracks stay open for the next one. */
  close(): void;
};

export async function createConsoleMedia(device: Device, request: ConsoleRequest): Promise<ConsoleMedia> {
  const info = await request('createSendTransport', {});
  const transport = device.createSendTransport({
    id: info.id,
    iceParameters: info.iceParameters as msc.IceParameters,
    iceCandidates: info.iceCandidates as msc.IceCandidate[],
    dtlsParameters: info.dtlsParameters as msc.DtlsParameters,
  });
  transport.on('connect', ({ dtlsParameters }, ok, fail) => void request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => ok(), fail));
  transport.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
    const source = (appData as { source?: VideoSource }).source;
    void request('produce', { transportId: transport.id, kind, rtpParameters: { ...rtpParameters }, ...(source ? { source } : {}) }).then(({ producerId }) => ok({ id: producerId }), fail);
  });
  let courseware: msc.Producer | null = null;
  const produceCourseware = (track: MediaStreamTrack) => transport.produce({ track, encodings: COURSEWARE_LAYERS, appData: { source: 'courseware' }, stopTracks: false });
  const stopCourseware = async () => {
    const producer = courseware;
    courseware = null;
    if (!producer) return;
    producer.track?.stop();
    producer.close();
    await request('closeProducer', { producerId: producer.id });
  };

  return {
    async startCamera(existing) {
      const media = existing ?? (await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 25 }, audio: true }));
      const [video] = media.getVideoTracks();
      const [audio] = media.getAudioTracks();
      if (video) await transport.produce({ track: video, encodings: CAMERA_LAYERS, appData: { source: 'camera' }, stopTracks: false });
      if (audio) await transport.produce({ track: audio, codecOptions: { opusDtx: true }, stopTracks: false });
      return media;
    },
    async startCourseware(onEnded) {
      let screen: MediaStream;
      try {
        screen = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { max: 5 }, width: { max: 1920 }, height: { max: 1080 } }, audio: false });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'NotAllowedError') return null; // the picker was cancelled
        throw error;
      }
      const [track] = screen.getVideoTracks();
      if (!track) return null;
      // Text must stay sharp: the encoder keeps resolution and gives up frame rate when bits are short.
      track.contentHint = 'detail';
      await stopCourseware();
      courseware = await produceCourseware(track);
      track.addEventListener('ended', onEnded, { once: true }); // "stop sharing" in the browser's own bar
      return screen;
    },
    async resumeCourseware(screen) {
      const [track] = screen.getVideoTracks();
      if (track && track.readyState === 'live') courseware = await produceCourseware(track);
    },
    stopCourseware,
    close: () => transport.close(),
  };
}
