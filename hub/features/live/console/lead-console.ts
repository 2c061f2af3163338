// The lead console, a browser page served by the hub (GET /v1/live/console): the lead teacher's camera + microphone and,
// at the same time, the courseware (a shared screen or window) go out as the lesson's broadcast; 答题器 questions go to
// every classroom; raised hands, questions and classrooms' cameras come back; 下课 ends the lesson and the hub makes its
// recording. Plain DOM, bundled by the hub with esbuild at first request. Every failed command says which and why.
import { Device } from 'mediasoup-client';
import type { types as msc } from 'mediasoup-client';
import type { LiveNotification } from '../../../../src/shared/live-protocol.ts';
import { backoffMs, type BackoffRange } from '../../../../src/shared/backoff.ts';
import { createConsoleMedia, type ConsoleMedia } from './console-media.ts';
import { setUpConsoleQuiz, type ConsoleQuiz } from './console-quiz.ts';
import { ConsoleError } from './console-errors.ts';
import { connectConsoleSocket, type ConsoleRequest, type ConsoleSocket } from './console-socket.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (text: string) => ($('status').textContent = text);
const say = (text: string) => ($('notice').textContent = text);
/** The refusal's Chinese sentence (console-errors.ts), or the browser's error name (a camera that would not open). */
const reason = (error: unknown) => (error instanceof DOMException ? error.name : error instanceof Error ? error.message : String(error));

type ReturnVideoNotice = Extract<LiveNotification, { type: 'returnVideo' }>;
/** Notifications that need the receive side or the quiz panel wait here until those are ready. */
const early: LiveNotification[] = [];
let showReturnVideo: ((n: ReturnVideoNotice) => Promise<void>) | null = null;
let quiz: ConsoleQuiz | null = null;

const RECORDING_TEXT = { recording: '录制中', finalizing: '正在生成录播…', ready: '录播已生成，各接收教室将自动下载', failed: '录播生成失败' } as const;

function showNotification(n: LiveNotification) {
  if (n.type === 'returnVideo') {
    if (showReturnVideo) void showReturnVideo(n).catch((e: unknown) => say(`接收教室画面无法显示：${reason(e)}`));
    else early.push(n);
  } else if (n.type === 'quizResults' || n.type === 'quizPush' || n.type === 'quizClosed') {
    if (!quiz) early.push(n);
    else if (n.type === 'quizResults') quiz.showResults(n.results);
    else quiz.showPush(n.type === 'quizPush' ? n.push : null);
  } else if (n.type === 'recording') {
    $('recording').textContent = `${RECORDING_TEXT[n.state]}${n.error ? `：${n.error}` : ''}`;
    $('recording').dataset.state = n.state;
  } else if (n.type === 'lessonEnded') {
    status('已下课');
    document.body.dataset.onAir = 'false';
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

async function receiveClassroomCameras(device: Device, request: ConsoleRequest) {
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
}

/**
 * Close codes the console comes back from by itself: the origin's worker died or the lesson moved (1012), the hub node
 * stopped (1001), the link dropped (1006), the hub failed or was busy (1011, 1013). Others (a refused credential) stop.
 */
const RECONNECT_CODES = new Set([1001, 1006, 1011, 1012, 1013]);
/** Refusals a reconnect cannot cure: the teacher must act (the password changed, the lesson is gone). */
const FINAL_REFUSALS = new Set(['unauthorized', 'rate_limited', 'forbidden', 'not_found', 'bad_request', 'malformed']);
const RECONNECT_BACKOFF: BackoffRange = { minMs: 500, maxMs: 10_000 };

/** What the teacher put on air: sent again, from the same camera and screen, after a reconnect. */
const onAir: { camera: MediaStream | null; courseware: MediaStream | null } = { camera: null, courseware: null };
let socket: ConsoleSocket | null = null;
let media: ConsoleMedia | null = null;
/** Each connection's number: a socket that closes after it was replaced is not news. */
let generation = 0;
/** One request function for the page (the quiz panel keeps it): it goes through whichever socket is current. */
const request: ConsoleRequest = (method, data) => (socket ? socket.request(method, data) : Promise.reject(new ConsoleError('closed')));

async function connect(lessonId: string, token: string) {
  const mine = ++generation;
  const opened = await connectConsoleSocket(showNotification, (code) => {
    if (mine === generation) lost(lessonId, token, code);
  });
  socket = opened;
  try {
    await session(lessonId, token);
  } catch (error) {
    generation++; // this socket's close is not news: the caller retries or says why
    opened.close();
    socket = null;
    media?.close();
    media = null;
    throw error;
  }
}

async function session(lessonId: string, token: string) {
  const joined = await request('join', { lessonId, token, role: 'console' });
  $('lesson-title').textContent = joined.lessonTitle;
  const device = await Device.factory();
  await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
  await receiveClassroomCameras(device, request);
  quiz ??= setUpConsoleQuiz(request, say);
  quiz.showPush(joined.quizPush ?? null);
  for (const n of early.splice(0)) showNotification(n);
  media = await createConsoleMedia(device, request);
  if (onAir.camera) await media.startCamera(onAir.camera);
  if (onAir.courseware) await media.resumeCourseware(onAir.courseware);
}

/** The socket closed: back by itself when it can be (1012 …), with the shared jittered backoff; else say so. */
function lost(lessonId: string, token: string, code: number) {
  socket = null;
  showReturnVideo = null; // its receive transport went with the socket
  media?.close();
  media = null;
  $('returns').replaceChildren();
  document.body.dataset.connection = 'lost';
  if (!RECONNECT_CODES.has(code)) return void status('连接已断开，请刷新页面');
  void (async () => {
    for (let attempt = 1; ; attempt++) {
      status(`连接中断，正在重新连接（第 ${attempt} 次）…`);
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, Math.random, RECONNECT_BACKOFF)));
      try {
        await connect(lessonId, token);
        document.body.dataset.connection = 'open';
        return connected();
      } catch (error) {
        say(`重新连接失败：${reason(error)}`);
        if (error instanceof ConsoleError && FINAL_REFUSALS.has(error.code)) return void status(error.message);
      }
    }
  })();
}

const button = (id: string) => $<HTMLButtonElement>(id);

function connected() {
  const sharing = onAir.courseware !== null;
  button('start').disabled = onAir.camera !== null;
  button('courseware').disabled = onAir.camera === null;
  button('end').disabled = onAir.camera === null;
  status(onAir.camera ? (sharing ? '直播中 · 摄像头 + 课件' : '直播中') : '已连接：点“开始直播”');
}

async function start(lessonId: string, token: string) {
  status('正在连接…');
  await connect(lessonId, token);
  document.body.dataset.connection = 'open';
  connected();

  button('start').onclick = async () => {
    button('start').disabled = true;
    try {
      if (!media) throw new ConsoleError('closed');
      onAir.camera = await media.startCamera();
      $<HTMLVideoElement>('preview').srcObject = onAir.camera;
    } catch (error) {
      button('start').disabled = false;
      say(`摄像头或麦克风无法打开：${reason(error)}`);
      return;
    }
    document.body.dataset.onAir = 'true';
    connected();
  };

  const stopped = () => {
    onAir.courseware = null;
    $<HTMLVideoElement>('courseware-preview').srcObject = null;
    button('courseware').textContent = '共享课件（屏幕或窗口）';
    button('courseware').dataset.sharing = 'false';
    connected();
  };
  const stopCourseware = async () => {
    onAir.courseware?.getTracks().forEach((t) => t.stop());
    await media?.stopCourseware();
    stopped();
  };
  button('courseware').onclick = async () => {
    try {
      if (button('courseware').dataset.sharing === 'true') return await stopCourseware();
      if (!media) throw new ConsoleError('closed');
      const screen = await media.startCourseware(() => void stopCourseware().catch((e: unknown) => say(`停止共享课件失败：${reason(e)}`)));
      if (!screen) return say('未选择要共享的屏幕或窗口');
      onAir.courseware = screen;
      $<HTMLVideoElement>('courseware-preview').srcObject = screen;
      button('courseware').textContent = '停止共享课件';
      button('courseware').dataset.sharing = 'true';
      connected();
    } catch (error) {
      say(`课件共享失败：${reason(error)}`);
    }
  };

  button('end').onclick = async () => {
    try {
      await request('endLesson', {});
      onAir.camera = null;
      onAir.courseware = null;
      button('courseware').disabled = true;
      button('end').disabled = true;
    } catch (error) {
      say(`下课失败：${reason(error)}`);
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
