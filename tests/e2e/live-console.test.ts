// Lead console round trip: the console page served by the hub, in Chromium with a fake camera and microphone, goes on
// air with simulcast; a receiving classroom's renderer decodes it, raises a hand and asks a question, and both appear
// on the console. Then the console shares courseware next to the camera, pushes a typed 答题器 question whose answers
// (synced by a classroom) appear per classroom, and 下课 makes the lesson's recording.
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUnavailableReason } from '../../hub/features/live/sfu/live-sfu.ts';
import { serveRenderer } from '../../scripts/serve-renderer.ts';
import { classroomContext, launchChromium } from '../support/browser.ts';
import { startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { EnrollResponse, PushResponse } from '../../src/shared/protocol.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { DEMO_LIVE_LESSON, framesAdvance, joinToFirstFrameMs, rawLiveSocket, readPlayer } from '../support/live-page.ts';
import { freePort } from '../support/ports.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const ADMIN = 'live-console-admin-token-0123456789';
const noWorker = liveUnavailableReason();

describe.skipIf(noWorker !== null)(`lead console round trip${noWorker ? ` (skipped: ${noWorker})` : ''}`, () => {
  let hub: HubProcess;
  let renderer: { url: string; close(): Promise<void> };
  let browser: Browser;
  let dataDir: string;
  let consolePage: Page;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'ykt-console-'));
    hub = await startHubProcess({
      port: await freePort(),
      dataDir,
      adminToken: ADMIN,
      extraEnv: { HUB_RTC_PORT: String(await freePort()), HUB_RTC_LISTEN_IP: '127.0.0.1', HUB_RTC_ANNOUNCED_IP: '127.0.0.1', HUB_DEMO_BROADCAST: '0', HUB_DEMO_LIVE: '1' },
    });
    renderer = await serveRenderer(await freePort());
    browser = await launchChromium(undefined, ['--use-fake-device-for-media-stream', '--autoplay-policy=no-user-gesture-required']);
  });
  afterAll(async () => {
    await browser?.close();
    await renderer?.close();
    await hub?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('goes on air from the console with the fake camera, and the classroom decodes it', async () => {
    consolePage = await (await classroomContext(browser)).newPage();
    await consolePage.goto(`${hub.url}/v1/live/console?lesson=${DEMO_LIVE_LESSON.id}#token=${ADMIN}`);
    await consolePage.getByRole('button', { name: '连接' }).click();
    await expect.poll(() => consolePage.locator('#status').textContent(), { timeout: 20_000 }).toContain('已连接');
    await consolePage.getByRole('button', { name: /开始直播/ }).click();
    await expect.poll(() => consolePage.locator('#status').textContent(), { timeout: 20_000 }).toBe('直播中');

    const viewer = await (await classroomContext(browser)).newPage();
    await viewer.goto(`${renderer.url}?hub=${encodeURIComponent(hub.url)}`);
    const ms = await joinToFirstFrameMs(viewer, 'DEMO-ZJ-1');
    console.log(`console → classroom: first frame ${ms} ms after 进入直播`);
    const reading = await framesAdvance(viewer, 20, 20_000);
    expect(reading.frameWidth).toBeGreaterThan(0);
    await expect.poll(async () => (await readPlayer(viewer)).audioPackets, { timeout: 10_000 }).toBeGreaterThan(20);

    await viewer.getByRole('button', { name: /举手/ }).click();
    await viewer.getByLabel('提问').fill('老师，能再讲一遍例题吗？');
    await viewer.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => consolePage.getByTestId('hands').textContent(), { timeout: 10_000 }).toContain('七年级(1)班：举手中');
    await expect.poll(() => consolePage.getByTestId('questions').textContent(), { timeout: 10_000 }).toContain('老师，能再讲一遍例题吗？');

    // The classroom's own camera (Chromium's fake device) appears on the console, decoded.
    await viewer.getByRole('button', { name: '本班画面' }).click();
    const tile = consolePage.getByTestId('returns').locator('video');
    await expect.poll(() => tile.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => tile.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await consolePage.getByTestId('returns').textContent()).toContain('七年级(1)班');
    // The picture is moving (frames keep being decoded) before the screenshot, rather than a fixed second of waiting.
    await expect.poll(() => tile.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames), { timeout: 15_000 }).toBeGreaterThan(10);
    await consolePage.screenshot({ path: join(ARTIFACTS, 'live-console.png') });
    await viewer.getByRole('button', { name: '关闭本班画面' }).click();
    await expect.poll(() => tile.count(), { timeout: 10_000 }).toBe(0);
    await viewer.screenshot({ path: join(ARTIFACTS, 'live-from-console.png') });
  });

  it('sends camera and courseware at once, pushes a question, shows answers per classroom, and 下课 makes the recording', async () => {
    await consolePage.getByRole('button', { name: '共享课件（屏幕或窗口）' }).click();
    await expect.poll(() => consolePage.locator('#status').textContent(), { timeout: 20_000 }).toBe('直播中 · 摄像头 + 课件');

    // A classroom (raw signalling) sees three sources on air: camera, courseware, microphone.
    const enrolled = EnrollResponse.parse(await (await fetch(`${hub.url}/v1/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: 'DEMO-ZJ-2', deviceName: 'pc' }) })).json());
    const classroom = await rawLiveSocket(hub.url);
    const joined = await classroom.call('join', { lessonId: DEMO_LIVE_LESSON.id, token: enrolled.device.token, role: 'viewer' });
    const caps = joined.kind === 'response' && joined.ok ? (joined.data as { routerRtpCapabilities: unknown }).routerRtpCapabilities : null;
    const transport = await classroom.call('createRecvTransport', {});
    const transportId = transport.kind === 'response' && transport.ok ? (transport.data as { id: string }).id : '';
    const consumed = await classroom.call('consume', { transportId, rtpCapabilities: caps });
    const sources = consumed.kind === 'response' && consumed.ok ? (consumed.data as { consumers: { source: string }[] }).consumers.map((c) => c.source) : [];
    expect(sources).toEqual(['camera', 'courseware', 'microphone']);

    // 答题器: a typed question reaches the classroom; its answers, synced through push, show on the console.
    await consolePage.getByLabel('题目').fill('(-2) × 3 = ?');
    await consolePage.getByLabel('选项A').fill('6');
    await consolePage.getByLabel('选项B').fill('-6');
    await consolePage.getByLabel('正确答案').selectOption('1');
    await consolePage.getByRole('button', { name: '推送题目' }).click();
    const pushed = await classroom.next((m) => m.kind === 'notification' && m.notification.type === 'quizPush');
    const push = pushed.kind === 'notification' && pushed.notification.type === 'quizPush' ? pushed.notification.push : null;
    expect(push?.question.choices).toEqual(['6', '-6']);
    const ops = ['stu-zj-7-2-01', 'stu-zj-7-2-02'].map((studentId, i) => ({
      id: `op-console-${i}`, seq: i + 1, hlc: encodeHlc({ wallMs: Date.now(), counter: i, node: 'dev_console' }), type: 'quiz.answer',
      lessonId: DEMO_LIVE_LESSON.id, quizId: push?.quizId, questionId: push?.question.id, studentId, choice: i,
    }));
    const pushRes = await fetch(`${hub.url}/v1/sync/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${enrolled.device.token}` }, body: JSON.stringify({ ops }) });
    expect(PushResponse.parse(await pushRes.json()).acks.map((a) => a.status)).toEqual(['applied', 'applied']);
    const row = consolePage.getByTestId('quiz-results').locator('tr[data-classroom="七年级(2)班"] td');
    await expect.poll(async () => (await row.allTextContents()).slice(0, 3), { timeout: 10_000 }).toEqual(['七年级(2)班', '2', '1']);
    expect(await consolePage.getByTestId('quiz-results').locator('tr[data-total] td').allTextContents()).toEqual(['合计', '2', '1', '1', '1']);
    await consolePage.screenshot({ path: join(ARTIFACTS, 'live-console-quiz.png'), fullPage: true });

    // The hub records the courseware too (a new segment began when it went on air): let some of it reach the disk.
    // Any segment: on a loaded machine the recorder may have begun another one (a source re-produced) since seg-002.
    const lessonDir = join(dataDir, 'recordings', DEMO_LIVE_LESSON.id);
    const slidesBytes = async () => {
      const segments = (await readdir(lessonDir).catch(() => [] as string[])).filter((name) => name.startsWith('seg-'));
      const sizes = await Promise.all(segments.map(async (seg) => (await stat(join(lessonDir, seg, 'courseware.mkv')).catch(() => null))?.size ?? 0));
      return Math.max(0, ...sizes);
    };
    // On failure, the hub's recorder lines (segments started, first-frame watch, ffmpeg's errors) say why.
    await expect.poll(slidesBytes, { timeout: 60_000 }).toBeGreaterThan(2000).catch((error: unknown) => {
      throw new Error(`no courseware recorded: ${String(error)}\nhub output:\n${hub.output().slice(-4000)}`);
    });

    // 下课: classrooms hear it, and the recording (camera + courseware) becomes the lesson's pack.
    await consolePage.getByRole('button', { name: '下课' }).click();
    await classroom.next((m) => m.kind === 'notification' && m.notification.type === 'lessonEnded');
    await expect.poll(() => consolePage.getByTestId('recording').textContent(), { timeout: 90_000 }).toContain('录播已生成');
    const packs = await (await fetch(`${hub.url}/v1/content/packs`, { headers: { authorization: `Bearer ${enrolled.device.token}` } })).json() as { packs: { manifest: { id: string; files: { path: string }[] } }[] };
    expect(packs.packs.find((p) => p.manifest.id === `rec-${DEMO_LIVE_LESSON.id}`)?.manifest.files.map((f) => f.path)).toEqual(['camera.mp4', 'courseware.mp4', 'recording.json']);
    classroom.ws.close();
  });
});
