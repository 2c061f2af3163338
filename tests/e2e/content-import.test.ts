// USB / LAN import in Debian's Chromium against the real hub: a pack folder signed with the hub's own key (read from its
// data directory, as the hub would sign it) is picked, one of its files is changed on disk after picking, and 导入 shows
// the named refusal in zh-CN with nothing of the pack stored; with the file put back, the same folder imports complete
// (WebCrypto Ed25519 against the key the PC got at enrollment) and its bytes are the source's.
import { createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACK_KEY_FILE, packSignerOf } from '../../hub/core/signing/pack-signing.ts';
import { classroomContext } from '../support/browser.ts';
import { storedChunkCountInPage, storedSha256InPage } from '../support/content-page.ts';
import { startLoopbackSystem, type LoopbackSystem } from '../support/loopback-system.ts';
import { contentFile, manifestOf, patterned, sha } from '../support/pack-kit.ts';
import { enrollInPage, TEST_IT_PIN } from '../support/enroll-page.ts';

const SCREENSHOTS = join(import.meta.dirname, '../../docs/screenshots');
let system: LoopbackSystem;
let folder: string;

const handout = new TextEncoder().encode('第三课 分数的加法\n1/2 + 1/3 = 5/6\n'.repeat(200));
const worksheet = patterned(70_000, 5);

beforeAll(async () => {
  system = await startLoopbackSystem('ykt-import-e2e-', 'e2e-admin-token-0123456789abcdef');
  // The pack as a lead school's exported folder would carry it: signed by this hub's key.
  const signer = packSignerOf(createPrivateKey(await readFile(join(system.dataDir, PACK_KEY_FILE), 'utf8')));
  const manifest = { ...manifestOf('pack-e2e-usb', [contentFile('讲义.txt', handout, 16_384, 'text/plain'), contentFile('练习/题目.bin', worksheet)]), title: 'U 盘带来的预习包' };
  folder = join(await mkdtemp(join(tmpdir(), 'ykt-usb-')), 'pack-e2e-usb');
  await mkdir(join(folder, '练习'), { recursive: true });
  await writeFile(join(folder, 'manifest.json'), JSON.stringify({ manifest, lessonIds: [], signature: signer.sign(manifest) }));
  await writeFile(join(folder, '讲义.txt'), handout);
  await writeFile(join(folder, '练习', '题目.bin'), worksheet);
});
afterAll(async () => {
  await system?.close();
  if (folder) await rm(join(folder, '..'), { recursive: true, force: true });
});

/** Import is school IT's: on the 管理员 page (课程资料下载), behind the PIN set at enrollment. */
async function enrolledOnAdmin(): Promise<Page> {
  const page = await (await classroomContext(system.browser)).newPage();
  await page.goto(`${system.renderer.url}?hub=${encodeURIComponent(system.hub.url)}`);
  await enrollInPage(page, 'DEMO-LT-1');
  await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 30_000 }).toContain('已同步');
  await page.getByRole('button', { name: '管理员' }).click();
  await page.getByLabel('管理员密码').fill(TEST_IT_PIN);
  await page.getByRole('button', { name: '进入' }).click();
  return page;
}

describe('USB / LAN import in Chromium', () => {
  it('refuses a folder whose file changed after picking, on screen and with nothing stored; imports it once put back', async () => {
    const page = await enrolledOnAdmin();
    await page.getByTestId('import-input').setInputFiles(folder);
    await expect.poll(() => page.getByTestId('import-picked').textContent()).toContain('3 个文件');

    // After picking, before 导入: someone edits the worksheet on the stick (same size, new bytes, new mtime).
    const changed = worksheet.map((b) => b ^ 0x5a);
    await writeFile(join(folder, '练习', '题目.bin'), changed);
    await page.getByRole('button', { name: '导入', exact: true }).click();
    const alert = page.getByTestId('import-message');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('选择文件夹之后，文件「练习/题目.bin」被修改过');
    expect(await alert.textContent()).toContain('本机已有内容未作任何改动');
    await page.screenshot({ path: join(SCREENSHOTS, 'import-refused-file-changed.png') });
    expect(await storedChunkCountInPage(page, sha(worksheet))).toBe(0);
    expect(await storedChunkCountInPage(page, sha(changed))).toBe(0);
    expect(await storedChunkCountInPage(page, sha(handout))).toBe(0);

    await writeFile(join(folder, '练习', '题目.bin'), worksheet);
    await page.getByTestId('import-input').setInputFiles(folder);
    await page.getByRole('button', { name: '导入', exact: true }).click();
    await expect.poll(() => page.getByTestId('import-message').textContent(), { timeout: 20_000 }).toContain('已导入资料包「U 盘带来的预习包」（2 个文件）');
    expect(await storedSha256InPage(page, sha(worksheet))).toBe(sha(worksheet));
    expect(await storedSha256InPage(page, sha(handout))).toBe(sha(handout));
    await page.context().close();
  });

  it('refuses a signed manifest that lists the same bytes twice with different chunk sizes, on screen, storing nothing', async () => {
    const signer = packSignerOf(createPrivateKey(await readFile(join(system.dataDir, PACK_KEY_FILE), 'utf8')));
    const manifest = { ...manifestOf('pack-e2e-twice', [contentFile('讲义.txt', handout, 16_384, 'text/plain'), contentFile('讲义-副本.txt', handout, 32_768, 'text/plain')]), title: '自相矛盾的资料包' };
    const twice = join(folder, '..', 'pack-e2e-twice');
    await mkdir(twice, { recursive: true });
    await writeFile(join(twice, 'manifest.json'), JSON.stringify({ manifest, lessonIds: [], signature: signer.sign(manifest) }));
    await writeFile(join(twice, '讲义.txt'), handout);
    await writeFile(join(twice, '讲义-副本.txt'), handout);
    const page = await enrolledOnAdmin();
    await page.getByTestId('import-input').setInputFiles(twice);
    await page.getByRole('button', { name: '导入', exact: true }).click();
    const alert = page.getByTestId('import-message');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('资料包清单自相矛盾：「讲义-副本.txt」与「讲义.txt」内容相同，分块方式却不同');
    expect(await alert.textContent()).toContain('本机已有内容未作任何改动');
    await page.screenshot({ path: join(SCREENSHOTS, 'import-refused-chunking-conflict.png') });
    expect(await storedChunkCountInPage(page, sha(handout))).toBe(0);
    await page.context().close();
  });
});
