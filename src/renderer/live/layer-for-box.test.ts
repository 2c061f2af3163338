import { describe, expect, it } from 'vitest';
import { layerForBox, pictureDevicePx, topWidthFrom } from './layer-for-box.ts';

describe('layerForBox', () => {
  it.each([
    // picture px, layers, top layer's width → layer. The broadcaster's camera: 160 / 320 / 640.
    [328, 3, 640, 1], // the inset on a 1366 PC: 320 px is within 10 % (was the 160 px layer under the 400 px rule)
    [656, 3, 640, 2], // the same inset at devicePixelRatio 2
    [461, 3, 640, 2], // the inset on a 1920 board (24vw)
    [140, 3, 640, 0],
    [1366, 3, 640, 2], // wider than the top: the top
    [328, 3, 1280, 0], // the console's camera: 320 / 640 / 1280
    [720, 3, 1280, 2], // 640 is more than 10 % short of 720
    [700, 3, 1280, 1], // 640 is within 10 % of 700
    [600, 3, 1280, 1],
    [328, 1, 640, 0], // one layer: nothing to choose
    [1100, 2, 1920, 1], // the courseware: 960 / 1920
    [1000, 2, 1920, 0],
    [328, 3, null, 2], // nothing decoded yet: no cap from size
    [0, 3, 640, 2], // not laid out: no cap
  ])('%i px, %i layers, top %s px → layer %i', (px, layers, top, expected) => {
    expect(layerForBox(px, layers, top)).toBe(expected);
  });
});

describe('topWidthFrom', () => {
  it.each([
    [{ layer: 0, width: 160 }, 3, 640],
    [{ layer: 1, width: 320 }, 3, 640],
    [{ layer: 2, width: 640 }, 3, 640],
    [{ layer: 0, width: 960 }, 2, 1920],
  ])('%o of %i layers → %i', (decoded, layers, expected) => {
    expect(topWidthFrom(decoded, layers)).toBe(expected);
  });
});

describe('pictureDevicePx', () => {
  it.each([
    [{ width: 1366, height: 680 }, 16 / 9, 'contain', 1, 1209], // letterboxed by the height
    [{ width: 1366, height: 900 }, 16 / 9, 'contain', 1, 1366],
    [{ width: 328, height: 184.5 }, 16 / 9, 'cover', 1, 328], // the inset
    [{ width: 328, height: 184.5 }, 16 / 9, 'cover', 2, 656],
    [{ width: 200, height: 200 }, 16 / 9, 'cover', 1, 356], // a square box crops the sides: the picture is wider
    [{ width: 0, height: 0 }, 16 / 9, 'contain', 1, 0],
  ] as const)('%o at %f, %s, dpr %i → %i', (box, aspect, fit, dpr, expected) => {
    expect(pictureDevicePx(box, aspect, fit, dpr)).toBe(expected);
  });
});
