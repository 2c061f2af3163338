import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dailyWindow, defaultUpdatePolicy, formatClock, windowsOf, withWindows } from './update-policy.ts';
import { createUpdateSettingsStore, type UpdateSettings } from './update-settings.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ykt-upd-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const defaults: UpdateSettings = { channel: 'latest', windows: windowsOf(defaultUpdatePolicy) };

describe('update settings', () => {
  it('defaults, then round-trips what IT chose; a damaged file means the defaults', async () => {
    const file = join(dir, 'update-settings.json');
    const store = createUpdateSettingsStore(file, defaults);
    expect(await store.load()).toEqual(defaults);
    const chosen: UpdateSettings = { channel: 'beta', windows: { download: { start: '22:00', end: '06:00' }, quiet: { start: '12:10', end: '13:30' } } };
    await store.save(chosen);
    expect(await createUpdateSettingsStore(file, defaults).load()).toEqual(chosen);
    await writeFile(file, '{"channel":"nightly"}', 'utf8');
    expect(await store.load()).toEqual(defaults);
  });

  it('converts windows between the wire form and the policy without loss', () => {
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(23 * 60 + 59)).toBe('23:59');
    const windows = { download: { start: '22:30', end: '05:45' }, quiet: { start: '12:10', end: '13:30' } };
    const config = withWindows(defaultUpdatePolicy, windows);
    expect(config.downloadWindow).toEqual(dailyWindow('22:30', '05:45'));
    expect(windowsOf(config)).toEqual(windows);
    expect(windowsOf(withWindows(config, { download: null, quiet: windows.quiet })).download).toBeNull();
  });
});
