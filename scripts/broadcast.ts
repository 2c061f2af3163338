// `npm run broadcast -- --lesson <id> [--hub http://127.0.0.1:8787] [--token <admin token>] [--file video.mp4]
//   [--courseware] [--slides <folder of images>]`: the headless broadcaster. Asks the hub for RTP ports (admin
// credential, HUB_ADMIN_TOKEN by default) and runs ffmpeg into them — with --courseware (or --slides) a second source of
// slides at 2 fps next to the picture — until stopped, then takes the lesson off air (with --end-on-stop: 下课, and the
// hub makes its recording at once). It keeps
// the lesson on air by itself: it polls the hub's ingest status every second as a lease, and when the hub no longer has
// its broadcast (the hub restarted, or took it off air after its media stopped) it opens a new one; when ffmpeg dies it
// starts it again.
import { parseArgs } from 'node:util';
import { IngestResponse, IngestStatus, livePaths } from '../src/shared/live-protocol.ts';
import { defaultIngestRequest, startFfmpegBroadcast, type FfmpegBroadcast } from '../hub/features/live/broadcast/ffmpeg-broadcaster.ts';

const { values } = parseArgs({
  options: {
    lesson: { type: 'string' },
    hub: { type: 'string', default: process.env.HUB_URL ?? 'http://127.0.0.1:8787' },
    token: { type: 'string', default: process.env.HUB_ADMIN_TOKEN ?? '' },
    file: { type: 'string' },
    courseware: { type: 'boolean', default: false },
    slides: { type: 'string' },
    /** Stopping (Ctrl-C, SIGTERM) is 下课: the hub makes the recording at once instead of after its grace period. */
    'end-on-stop': { type: 'boolean', default: false },
  },
});
if (!values.lesson || !values.token) {
  console.error('usage: npm run broadcast -- --lesson <lesson id> [--hub URL] --token <admin token> (or HUB_ADMIN_TOKEN) [--file video]');
  process.exit(2);
}
const LEASE_EVERY_MS = 1_000;
const ingestUrl = `${values.hub.replace(/\/$/, '')}${livePaths.ingest(values.lesson)}`;
const endUrl = `${values.hub.replace(/\/$/, '')}${livePaths.end(values.lesson)}`;
const auth = { authorization: `Bearer ${values.token}` };
const request = defaultIngestRequest({ courseware: values.courseware || Boolean(values.slides) });

let current: { ingestId: string; ffmpeg: FfmpegBroadcast } | null = null;
let stopping = false;
let hubAway = false;

/** A refusal that retrying cannot fix (wrong token, unknown lesson): say why and stop. */
async function refused(res: Response) {
  console.error(`broadcast: hub refused (${res.status}): ${await res.text()}`);
  await stop(1);
}

async function goOnAir(): Promise<void> {
  const res = await fetch(ingestUrl, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(request) });
  if (res.status >= 400 && res.status < 500) return refused(res);
  if (!res.ok) throw new Error(`hub answered ${res.status}`);
  const target = IngestResponse.parse(await res.json());
  const previous = current;
  current = null;
  await previous?.ffmpeg.stop();
  const ffmpeg = await startFfmpegBroadcast({ request, target, ...(values.file ? { file: values.file } : {}), ...(values.slides ? { slides: values.slides } : {}) });
  current = { ingestId: target.ingestId, ffmpeg };
  console.log(`broadcast: lesson ${values.lesson ?? ''} on air (video → ${target.video.ip}:${target.video.rtpPort}, audio → ${target.audio.ip}:${target.audio.rtpPort})`);
  void ffmpeg.exited.then((code) => {
    if (stopping || current?.ffmpeg !== ffmpeg) return;
    console.error(`broadcast: ffmpeg exited (${String(code)}): ${ffmpeg.output().trim().slice(-300)}; starting again`);
    current = null; // the next lease check opens a new ingest
  });
}

/** One lease check: is the hub still broadcasting what we send? If not, go on air again. */
async function checkLease() {
  try {
    const res = await fetch(ingestUrl, { headers: auth, signal: AbortSignal.timeout(3_000) });
    if (res.status >= 400 && res.status < 500) return refused(res);
    if (!res.ok) throw new Error(`hub answered ${res.status}`);
    const status = IngestStatus.parse(await res.json());
    if (hubAway) console.log('broadcast: hub is back');
    hubAway = false;
    if (!current || status.ingestId !== current.ingestId) await goOnAir();
  } catch (error) {
    if (!hubAway) console.error(`broadcast: hub unreachable (${error instanceof Error ? error.message : String(error)}); going on air again when it is back`);
    hubAway = true;
  }
}

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await current?.ffmpeg.stop();
  // Off air; with --end-on-stop 下课 (the hub makes the recording now; otherwise once it stays off air for a while).
  const ended = values['end-on-stop'] ? await fetch(endUrl, { method: 'POST', headers: auth, signal: AbortSignal.timeout(3_000) }).catch(() => null) : null;
  if (!ended?.ok) await fetch(ingestUrl, { method: 'DELETE', headers: auth, signal: AbortSignal.timeout(3_000) }).catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

await goOnAir().catch((error: unknown) => {
  console.error(`broadcast: cannot reach the hub at ${values.hub} (${String(error)}); retrying every second`);
  hubAway = true;
});
for (;;) {
  await new Promise((r) => setTimeout(r, LEASE_EVERY_MS));
  if (stopping) break;
  await checkLease();
}
