// Live lesson end to end on loopback: `npm run broadcast` (ffmpeg, VP8 simulcast + Opus) → the hub's mediasoup SFU →
// the real renderer in Debian's Chromium. Asserts decoded video frames and received audio (getStats, mirrored by the
// player), that another classroom's device is refused, that malformed signalling harms no other viewer, and that a
// raised hand and a question reach a lead console.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveUnavailableReason } from '../../hub/features/live/sfu/live-sfu.ts';
import { serveRenderer } from '../../scripts/serve-renderer.ts';
import { classroomContext, launchChromium } from '../support/browser.ts';
import { repoRoot, startHubProcess, type HubProcess } from '../support/hub-process.ts';
import { DEMO_LIVE_LESSON, LIVE_CHROMIUM_ARGS, enrollAndEnterLive, enrollDevice, framesAdvance, rawLiveSocket, readPlayer } from '../support/live-page.ts';
import { freePort, waitFor } from '../support/ports.ts';

const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const ADMIN = 'live-e2e-admin-token-0123456789';
const noWorker = liveUnavailableReason();

describe.skipIf(noWorker !== null)(`live lesson on loopback${noWorker ? ` (skipped: ${noWorker})` : ''}`, () => {
  let hub: HubProcess;
  let broadcaster: ChildProcess;
  let renderer: { url: string; close(): Promise<void> };
  let browser: Browser;
  let dataDir: string;
  let page: Page;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'ykt-live-'));
    const rtcPort = await freePort();
    hub = await startHubProcess({
      port: await freePort(),
      dataDir,
      adminToken: ADMIN,
      extraEnv: { HUB_RTC_PORT: String(rtcPort), HUB_RTC_LISTEN_IP: '127.0.0.1', HUB_RTC_ANNOUNCED_IP: '127.0.0.1', HUB_DEMO_BROADCAST: '0', HUB_DEMO_LIVE: '1' },
    });
    broadcaster = await startBroadcaster();
    renderer = await serveRenderer(await freePort());
    browser = await launchChromium(undefined, LIVE_CHROMIUM_ARGS);
  });

  afterAll(async () => {
    await browser?.close();
    await renderer?.close();
    await stopBroadcaster();
    await hub?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** `npm run broadcast -- --lesson …`, as a lead school's operator would run it. */
  async function startBroadcaster(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/broadcast.ts', '--lesson', DEMO_LIVE_LESSON.id, '--hub', hub.url, '--token', ADMIN], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    child.stdout?.on('data', (d: Buffer) => (said += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (said += d.toString()));
    await waitFor(() => Promise.resolve(said.includes('on air') ? true : undefined), 'broadcaster on air', 30_000);
    return child;
  }

  async function stopBroadcaster() {
    if (!broadcaster || broadcaster.exitCode !== null) return;
    const exited = new Promise((r) => broadcaster.once('exit', r));
    broadcaster.kill('SIGTERM'); // the script takes the lesson off air before it exits
    await exited;
  }

  it('plays the lead classroom: video frames decoded and audio received in Chromium', async () => {
    page = await (await classroomContext(browser)).newPage();
    await page.goto(`${renderer.url}?hub=${encodeURIComponent(hub.url)}`);
    const clickedAt = await enrollAndEnterLive(page, 'DEMO-ZJ-1');
    await waitFor(async () => ((await readPlayer(page)).framesDecoded > 0 ? true : undefined), 'first decoded frame', 30_000, 50);
    console.log(`live loopback: 进入直播 → first decoded frame ${Date.now() - clickedAt} ms`);
    const reading = await framesAdvance(page, 25, 15_000);
    expect(reading.phase).toBe('playing');
    expect(reading.frameWidth).toBeGreaterThan(0);
    await expect.poll(async () => (await readPlayer(page)).audioPackets, { timeout: 10_000 }).toBeGreaterThan(50);
    await expect.poll(() => page.getByTestId('live-status').count()).toBe(0); // no overlay while playing
    await page.screenshot({ path: join(ARTIFACTS, 'live-playing.png') });
  });

  it('refuses a device whose classroom does not have the lesson on its timetable', async () => {
    const socket = await rawLiveSocket(hub.url);
    const refused = await socket.call('join', { lessonId: DEMO_LIVE_LESSON.id, token: await enrollDevice(hub.url, 'DEMO-LT-1') });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    socket.ws.close();
  });

  it('answers malformed signalling with errors while the other viewer keeps decoding', async () => {
    const before = await readPlayer(page);
    const attacker = await rawLiveSocket(hub.url);
    await attacker.call('join', { lessonId: DEMO_LIVE_LESSON.id, token: await enrollDevice(hub.url, 'DEMO-ZJ-2') });
    attacker.ws.send('\u0000garbage');
    attacker.ws.send(JSON.stringify({ v: 1, id: 5, method: 'consume', data: { transportId: 42, rtpCapabilities: 'all' } }));
    attacker.ws.send(JSON.stringify({ v: 1, id: 6, method: 'resume', data: { consumerIds: ['someone-elses-consumer'] } }));
    await attacker.next((m) => m.kind === 'response' && m.id === 6);
    const errors = attacker.messages.filter((m) => m.kind === 'response' && !m.ok);
    expect(errors.length).toBe(3);
    // An oversized frame closes only the attacker's socket.
    const closed = new Promise<number>((r) => attacker.ws.once('close', r));
    attacker.ws.send('x'.repeat(200_000));
    expect(await closed).toBe(1009);

    const after = await framesAdvance(page, 25, 10_000);
    expect(after.framesDecoded).toBeGreaterThan(before.framesDecoded);
    expect(after.phase).toBe('playing');
    expect((await fetch(`${hub.url}/v1/health`)).ok).toBe(true);
  });

  it('sends a raised hand and a question to the lead console', async () => {
    const console_ = await rawLiveSocket(hub.url);
    expect(await console_.call('join', { lessonId: DEMO_LIVE_LESSON.id, token: ADMIN, role: 'console' })).toMatchObject({ ok: true });
    await page.getByRole('button', { name: /举手/ }).click();
    await page.getByLabel('提问').fill('老师，-3 × -4 为什么是正数？');
    await page.getByRole('button', { name: '发送' }).click();
    await expect.poll(() => page.getByText('已发送').count()).toBe(1);
    const hand = await console_.next((m) => m.kind === 'notification' && m.notification.type === 'hand');
    const question = await console_.next((m) => m.kind === 'notification' && m.notification.type === 'question');
    expect(hand).toMatchObject({ notification: { hand: { raised: true, classroomName: '凉山州昭觉县民族中学 七年级(1)班' } } });
    expect(question).toMatchObject({ notification: { question: { text: '老师，-3 × -4 为什么是正数？' } } });
    await page.screenshot({ path: join(ARTIFACTS, 'live-hand-raised.png') });
    console_.ws.close();
  });

  it('switches to audio only on the teacher’s command and shows it plainly', async () => {
    await page.getByRole('button', { name: '低带宽模式' }).click();
    await expect.poll(() => page.getByTestId('live-status').textContent()).toContain('低带宽模式：仅音频');
    const audioBefore = (await readPlayer(page)).audioPackets;
    await expect.poll(async () => (await readPlayer(page)).fps, { timeout: 10_000 }).toBe(0);
    expect((await readPlayer(page)).audioPackets).toBeGreaterThan(audioBefore);
    await page.screenshot({ path: join(ARTIFACTS, 'live-audio-only.png') });
    await page.getByRole('button', { name: '恢复视频' }).click();
    await framesAdvance(page, 10, 15_000);
    // Over the whole suite (longer than the hub's 10 s keep-alive ping) the healthy link never dropped the session.
    expect((await readPlayer(page)).reconnects).toBe(0);
  });

  it('shows that it waits when the broadcast stops, and plays again by itself when it returns', async () => {
    await stopBroadcaster();
    await expect.poll(() => page.getByTestId('live-status').textContent(), { timeout: 10_000 }).toContain('主讲教室的直播暂停了');
    await page.screenshot({ path: join(ARTIFACTS, 'live-waiting.png') });
    broadcaster = await startBroadcaster();
    await expect.poll(async () => (await readPlayer(page)).fps, { timeout: 20_000 }).toBeGreaterThan(5);
    expect((await readPlayer(page)).phase).toBe('playing');
  });
});
