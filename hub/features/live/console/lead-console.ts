// The lead console, a browser page served by the hub (GET /v1/live/console): the lead teacher's camera + microphone and,
// at the same time, the courseware (a shared screen or window) go out as the lesson's broadcast; 答题器 questions go to
// every classroom; raised hands, questions and classrooms' cameras come back; 下课 ends the lesson and the hub makes its
// recording. Plain DOM, bundled by the hub with esbuild at first request. Every failed command says which and why.
import { Device } from 'mediasoup-client';
import type { types as msc } from 'mediasoup-client';
import type { LiveNotification } from '../../../../src/shared/live-protocol.ts';
import { createConsoleMedia } from './console-media.ts';
import { setUpConsoleQuiz, type ConsoleQuiz } from './console-quiz.ts';
import { ConsoleError } from './console-errors.ts';
import { connectConsoleSocket, type ConsoleRequest } from './console-socket.ts';

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

async function start(lessonId: string, token: string) {
  status('正在连接…');
  const request = await connectConsoleSocket(showNotification, () => status('连接已断开，请刷新页面'));
  const joined = await request('join', { lessonId, token, role: 'console' });
  $('lesson-title').textContent = joined.lessonTitle;
  const device = await Device.factory();
  await device.load({ routerRtpCapabilities: joined.routerRtpCapabilities });
  await receiveClassroomCameras(device, request);
  quiz = setUpConsoleQuiz(request, say);
  if (joined.quizPush) quiz.showPush(joined.quizPush);
  for (const n of early.splice(0)) showNotification(n);
  status('已连接：点“开始直播”');
  const media = await createConsoleMedia(device, request);

  const button = (id: string) => $<HTMLButtonElement>(id);
  button('start').disabled = false;
  button('start').onclick = async () => {
    button('start').disabled = true;
    try {
      $<HTMLVideoElement>('preview').srcObject = await media.startCamera();
    } catch (error) {
      button('start').disabled = false;
      say(`摄像头或麦克风无法打开：${reason(error)}`);
      return;
    }
    status('直播中');
    document.body.dataset.onAir = 'true';
    button('courseware').disabled = false;
    button('end').disabled = false;
  };

  const stopped = () => {
    $<HTMLVideoElement>('courseware-preview').srcObject = null;
    button('courseware').textContent = '共享课件（屏幕或窗口）';
    button('courseware').dataset.sharing = 'false';
    status('直播中');
  };
  button('courseware').onclick = async () => {
    try {
      if (button('courseware').dataset.sharing === 'true') {
        await media.stopCourseware();
        return stopped();
      }
      const screen = await media.startCourseware(() => void media.stopCourseware().then(stopped, (e: unknown) => say(`停止共享课件失败：${reason(e)}`)));
      if (!screen) return say('未选择要共享的屏幕或窗口');
      $<HTMLVideoElement>('courseware-preview').srcObject = screen;
      button('courseware').textContent = '停止共享课件';
      button('courseware').dataset.sharing = 'true';
      status('直播中 · 摄像头 + 课件');
    } catch (error) {
      say(`课件共享失败：${reason(error)}`);
    }
  };

  button('end').onclick = async () => {
    try {
      await request('endLesson', {});
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
