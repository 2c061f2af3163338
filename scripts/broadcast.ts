// `npm run broadcast -- --lesson <id> [--hub http://127.0.0.1:8787] [--token <admin token>] [--file video.mp4]
//   [--courseware] [--slides <folder of images>]`: the headless broadcaster. Asks the hub for RTP ports (admin
// credential, HUB_ADMIN_TOKEN by default), runs ffmpeg into them until stopped — with --courseware (or --slides) a second
// source of slides at 2 fps next to the picture — then ends the lesson (下课: the hub makes its recording).
import { parseArgs } from 'node:util';
import { IngestResponse, livePaths } from '../src/shared/live-protocol.ts';
import { defaultIngestRequest, startFfmpegBroadcast } from '../hub/live/ffmpeg-broadcaster.ts';

const { values } = parseArgs({
  options: {
    lesson: { type: 'string' },
    hub: { type: 'string', default: process.env.HUB_URL ?? 'http://127.0.0.1:8787' },
    token: { type: 'string', default: process.env.HUB_ADMIN_TOKEN ?? '' },
    file: { type: 'string' },
    courseware: { type: 'boolean', default: false },
    slides: { type: 'string' },
  },
});
if (!values.lesson || !values.token) {
  console.error('usage: npm run broadcast -- --lesson <lesson id> [--hub URL] --token <admin token> (or HUB_ADMIN_TOKEN) [--file video]');
  process.exit(2);
}
const lesson = values.lesson;
const hub = values.hub.replace(/\/$/, '');
const headers = { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' };
const request = defaultIngestRequest({ courseware: values.courseware || Boolean(values.slides) });
const res = await fetch(`${hub}${livePaths.ingest(lesson)}`, { method: 'POST', headers, body: JSON.stringify(request) });
if (!res.ok) {
  console.error(`broadcast: hub refused (${res.status}): ${await res.text()}`);
  process.exit(1);
}
const target = IngestResponse.parse(await res.json());
const broadcast = await startFfmpegBroadcast({ request, target, ...(values.file ? { file: values.file } : {}), ...(values.slides ? { slides: values.slides } : {}) });
console.log(`broadcast: lesson ${lesson} on air (video → ${target.video.ip}:${target.video.rtpPort}, audio → ${target.audio.ip}:${target.audio.rtpPort})`);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await broadcast.stop();
  // 下课: the lesson is over and the hub makes its recording at once (a hub without recording just stops the ingest).
  const ended = await fetch(`${hub}${livePaths.end(lesson)}`, { method: 'POST', headers: { authorization: headers.authorization } }).catch(() => null);
  if (!ended?.ok) await fetch(`${hub}${livePaths.ingest(lesson)}`, { method: 'DELETE', headers: { authorization: headers.authorization } }).catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
void broadcast.exited.then((code) => {
  if (!stopping) console.error(`broadcast: ffmpeg exited (${code}): ${broadcast.output()}`);
  return stop(code === 0 ? 0 : 1);
});
