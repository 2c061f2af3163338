// The lead console, a browser page served by the hub (GET /v1/live/console): the lead teacher's camera + microphone
// (or screen share) go out as the lesson's broadcast with 3-layer simulcast, and raised hands and questions from the
// receiving classrooms come back. Plain DOM, bundled by the hub with esbuild at first request.
import { Device } from 'mediasoup-client';
import type { types as msc } from 'mediasoup-client';
import { LIVE_PROTOCOL_VERSION, LIVE_WS_PATH, LiveServerMessage, parseLiveResponseData, type LiveMethod, type LiveNotification, type LiveRequestData, type LiveResponseData } from '../../src/shared/live-protocol.ts';
import { ConsoleError } from './console-errors.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);

type Pending = { resolve: (d: unknown) => void; reject: (e: Error) => void };

function connectSocket(onNotification: (n: LiveNotification) => void): Promise<<M extends LiveMethod>(m: M, d: LiveRequestData<M>) => Promise<LiveResponseData<M>>> {
  const url = new URL(LIVE_WS_PATH, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  ws.addEventListener('message', (event: MessageEvent<string>) => {
    const parsed = LiveServerMessage.safeParse(JSON.parse(event.data));
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.kind === 'notification') return onNotification(m.notification);
    const p = m.id === null ? undefined : pending.get(m.id);
    if (!p || m.id === null) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.data);
    else p.reject(new ConsoleError(m.error.code));
  });
  ws.addEventListener('close', () => status('连接已断开，请刷新页面'));
  return new Promise((resolve, reject) => {
    ws.addEventListener('error', () => reject(new Error('无法连接中心')));
    ws.addEventListener('open', () =>
      resolve(<M extends LiveMethod>(method: M, data: LiveRequestData<M>) => {
        const id = nextId++;
        ws.send(JSON.stringify({ v: LIVE_PROTOCOL_VERSION, id, method, data }));
        return new Promise<LiveResponseData<M>>((res, rej) => pending.set(id, { resolve: (d) => res(parseLiveResponseData(method, d)), reject: rej }));
      }),
    );
  });
}

type ReturnVideoNotice = Extract<LiveNotification, { type: 'returnVideo' }>;
/** Return cameras announced before the receive side was ready wait here; afterwards they are shown at once. */
const returnQueue: ReturnVideoNotice[] = [];
let showReturnVideo: ((n: ReturnVideoNotice) => Promise<void>) | null = null;

function showNotification(n: LiveNotification) {
  if (n.type === 'returnVideo') {
    if (showReturnVideo) void showReturnVideo(n);
    else returnQueue.push(n);
  } else if (n.type === 'hand') {
    const id = `hand-${n.hand.peerId}`;
    let li = document.getElementById(id);
    if (!li) {
      li = document.createElement('li');
      li.id = id;
      $('hands').append(li);
    }
    li.textContent = `${n.hand.classroomName}：${n.hand.raised ? '举手中' : '已放下'}`;
    li.dataset.raised = String(n.hand.raised);
  } else if (n.type === 'question') {
    const li = document.createElement('li');
    li.textContent = `${n.question.classroomName}：${n.question.text}`;
    $('questions').prepend(li);
  }
}

async function start(lessonId: string, token: string) {
  status('正在连接…');
  const request = await connectSocket(showNotification);
  const joined = await request('join', { lessonId, token, role: 'console' });
  $('lesson-title').textContent = joined.lessonTitle;
  const device = await Device.factory();
  await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
  status('已连接：点“开始直播”');

  // Receiving classrooms' cameras, one tile each.
  const recvInfo = await request('createRecvTransport', { forceTcp: false });
  const recv = device.createRecvTransport({
    id: recvInfo.id,
    iceParameters: recvInfo.iceParameters as msc.IceParameters,
    iceCandidates: recvInfo.iceCandidates as msc.IceCandidate[],
    dtlsParameters: recvInfo.dtlsParameters as msc.DtlsParameters,
  });
  recv.on('connect', ({ dtlsParameters }, ok, fail) => void request('connectTransport', { transportId: recv.id, dtlsParameters }).then(() => ok(), fail));
  showReturnVideo = async (n) => {
    document.getElementById(`return-${n.peerId}`)?.remove();
    if (!n.producerId) return;
    const info = await request('consumeReturn', { transportId: recv.id, producerId: n.producerId, rtpCapabilities: { ...device.rtpCapabilities } });
    const consumer = await recv.consume({ id: info.id, producerId: info.producerId, kind: info.kind, rtpParameters: info.rtpParameters as msc.RtpParameters });
    const tile = document.createElement('figure');
    tile.id = `return-${n.peerId}`;
    tile.className = 'return-tile';
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([consumer.track]);
    const caption = document.createElement('figcaption');
    caption.textContent = n.classroomName;
    tile.append(video, caption);
    $('returns').append(tile);
  };
  for (const n of returnQueue.splice(0)) await showReturnVideo(n);
  let videoProducer: msc.Producer | null = null;

  $<HTMLButtonElement>('start').disabled = false;
  $('start').onclick = async () => {
    $<HTMLButtonElement>('start').disabled = true;
    const media = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 25 }, audio: true });
    $<HTMLVideoElement>('preview').srcObject = media;
    const info = await request('createSendTransport', {});
    const transport = device.createSendTransport({
      id: info.id,
      iceParameters: info.iceParameters as msc.IceParameters,
      iceCandidates: info.iceCandidates as msc.IceCandidate[],
      dtlsParameters: info.dtlsParameters as msc.DtlsParameters,
    });
    transport.on('connect', ({ dtlsParameters }, ok, fail) => void request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => ok(), fail));
    transport.on('produce', ({ kind, rtpParameters }, ok, fail) =>
      void request('produce', { transportId: transport.id, kind, rtpParameters: { ...rtpParameters } }).then(({ producerId }) => ok({ id: producerId }), fail),
    );
    const [video] = media.getVideoTracks();
    const [audio] = media.getAudioTracks();
    if (video) {
      // Three simulcast layers: the SFU gives each classroom the one its link carries.
      videoProducer = await transport.produce({
        track: video,
        encodings: [
          { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
          { scaleResolutionDownBy: 2, maxBitrate: 400_000 },
          { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
        ],
      });
    }
    if (audio) await transport.produce({ track: audio, codecOptions: { opusDtx: true } });
    status('直播中');
    document.body.dataset.onAir = 'true';
    $<HTMLButtonElement>('screen').disabled = false;
  };

  $('screen').onclick = async () => {
    const screen = await navigator.mediaDevices.getDisplayMedia({ video: true });
    const [track] = screen.getVideoTracks();
    if (track && videoProducer) {
      await videoProducer.replaceTrack({ track });
      $<HTMLVideoElement>('preview').srcObject = screen;
      status('直播中 · 共享屏幕');
    }
  };
}

const params = new URLSearchParams(location.search);
const hash = new URLSearchParams(location.hash.slice(1));
$<HTMLInputElement>('lesson').value = params.get('lesson') ?? '';
$<HTMLInputElement>('token').value = hash.get('token') ?? '';
$('login').onsubmit = (event) => {
  event.preventDefault();
  start($<HTMLInputElement>('lesson').value.trim(), $<HTMLInputElement>('token').value.trim()).catch((e: unknown) => {
    status(e instanceof ConsoleError ? e.message : '连接失败，请检查网络后刷新页面重试。');
    $('status').dataset.code = e instanceof ConsoleError ? e.code : 'network';
  });
};
