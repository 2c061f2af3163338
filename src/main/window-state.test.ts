import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWindowStateStore, placeWindow, type Rect, type WindowState } from './window-state.ts';

const laptop: Rect = { x: 0, y: 0, width: 1366, height: 728 };
const projector: Rect = { x: 1366, y: 0, width: 1920, height: 1040 };
const state = (patch: Partial<WindowState> = {}): WindowState => ({ x: 100, y: 50, width: 1200, height: 700, maximized: false, fullScreen: false, kiosk: false, ...patch });

describe('placeWindow', () => {
  it.each([
    ['first start: default size, centred on the primary screen', null, [projector], { x: 1366 + 320, y: 120, width: 1280, height: 800 }],
    ['saved bounds on a screen are kept', state({ y: 20 }), [laptop], { x: 100, y: 20, width: 1200, height: 700 }],
    ['a bottom edge below the task bar: pulled up', state(), [laptop], { x: 100, y: 28, width: 1200, height: 700 }],
    ['saved on the projector, projector still there', state({ x: 1500, y: 100 }), [laptop, projector], { x: 1500, y: 100, width: 1200, height: 700 }],
    ['saved on the projector, projector unplugged: centred on the laptop', state({ x: 1500, y: 100 }), [laptop], { x: 43, y: 0, width: 1280, height: 728 }],
    ['too big for a smaller screen: clamped', state({ x: 0, y: 0, width: 1900, height: 1000 }), [laptop], { x: 0, y: 0, width: 1366, height: 728 }],
    ['hanging off the right edge: pulled back', state({ x: 500, y: 0 }), [laptop], { x: 166, y: 0, width: 1200, height: 700 }],
    ['far off-screen (negative)', state({ x: -5000, y: -5000 }), [laptop], { x: 43, y: 0, width: 1280, height: 728 }],
    ['smaller than the minimum: grown to it', state({ width: 400, height: 300, y: 20 }), [laptop], { x: 100, y: 20, width: 960, height: 600 }],
  ] as const)('%s', (_label, saved, areas, expected) => {
    expect(placeWindow(saved, [...areas])).toMatchObject(expected);
  });

  it('keeps full screen and kiosk even when the position is reset', () => {
    expect(placeWindow(state({ x: 9000, fullScreen: true, kiosk: true }), [laptop])).toMatchObject({ fullScreen: true, kiosk: true });
  });
});

describe('window state store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ykt-win-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips and treats a damaged file as no saved state', async () => {
    const store = createWindowStateStore(join(dir, 'window-state.json'));
    expect(await store.load()).toBeNull();
    await store.save(state({ kiosk: true }));
    expect(await store.load()).toEqual(state({ kiosk: true }));
    await writeFile(join(dir, 'window-state.json'), '{"x":1', 'utf8');
    expect(await store.load()).toBeNull();
    await writeFile(join(dir, 'window-state.json'), JSON.stringify({ ...state(), width: -1 }), 'utf8');
    expect(await store.load()).toBeNull();
  });
});
