// A long outbox from the real renderer (real IndexedDB, Debian's Chromium) to the real hub process: a morning's 1200
// queued records go up the sync socket (Chromium's own WebSocket, permessage-deflate), each applied once; through a
// proxy that passes HTTP but not WebSockets they go over HTTP instead, and still arrive, each once.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOps, outboxCounts, type TestHooks } from '../chaos/chaos-page.ts';
import { classroomContext } from '../support/browser.ts';
import { enrollInPage } from '../support/enroll-page.ts';
import { startLoopbackSystem, type LoopbackSystem } from '../support/loopback-system.ts';
import { startSwitchableProxy } from '../support/switchable-proxy.ts';

const ADMIN = 'sync-socket-admin-token-0123456789';
const OPS = 1200;
let system: LoopbackSystem;
beforeAll(async () => (system = await startLoopbackSystem('ykt-sync-socket-', ADMIN)));
afterAll(() => system?.close());

type PushStats = { pushRequests: number; pushOps: number; socketBatches: number };
async function pushStats(): Promise<PushStats> {
  const res = await fetch(`${system.hub.url}/v1/admin/stats`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return (await res.json()) as PushStats;
}

/** Enrolled through `hubUrl`, then 1200 records made with the browser offline, as after a day without a link. */
async function classroomWithQueue(hubUrl: string): Promise<Page> {
  const context = await classroomContext(system.browser);
  const page = await context.newPage();
  await page.goto(`${system.renderer.url}?test-hooks&hub=${encodeURIComponent(hubUrl)}`);
  await enrollInPage(page, 'DEMO-ZJ-1');
  await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 20_000 }).toContain('已同步');
  await context.setOffline(true);
  await page.evaluate(generateOps, { count: OPS, seed: 5, attendanceOnly: true });
  expect((await page.evaluate(outboxCounts)).pending).toBe(OPS);
  await context.setOffline(false);
  return page;
}

async function drain(page: Page) {
  await page.evaluate(() => (window as unknown as { yktTest: TestHooks }).yktTest.session.syncNow());
  await expect.poll(() => page.evaluate(outboxCounts), { timeout: 60_000 }).toEqual({ pending: 0, refused: 0 });
}

describe('a long outbox', () => {
  it('goes up the sync socket, every record applied once', async () => {
    const before = await pushStats();
    const page = await classroomWithQueue(system.hub.url);
    await drain(page);
    const after = await pushStats();
    expect(after.pushOps - before.pushOps).toBe(OPS);
    expect(after.socketBatches - before.socketBatches).toBe(2); // 500, then 700
    await page.context().close();
  });

  it('through a proxy without WebSockets: over HTTP, every record applied once', async () => {
    const proxy = await startSwitchableProxy(system.hub.url);
    try {
      const before = await pushStats();
      const page = await classroomWithQueue(proxy.url);
      await drain(page);
      const after = await pushStats();
      expect(after.pushOps - before.pushOps).toBe(OPS);
      expect(after.socketBatches).toBe(before.socketBatches);
      await page.context().close();
    } finally {
      await proxy.close();
    }
  });
});
