// Which simulcast layer a video needs, from the size it is drawn at in device pixels (issue #21: the teacher's inset,
// ~320 CSS px, got the 160×90 layer from a fixed "under 400 px → lowest layer" rule, and looked blurry). Both senders
// (the lead console and the ffmpeg broadcaster) halve the width from one layer to the one below (4:2:1), so the top
// layer's width, learnt once from a decoded frame at a known layer, gives every layer's. Pure, table-tested.

/** A layer up to 10 % narrower than the picture is scaled up invisibly; asking for the next one doubles the bitrate. */
export const UPSCALE_TOLERANCE = 0.9;

/** The top layer's width from a frame decoded at `layer`. */
export function topWidthFrom(decoded: { layer: number; width: number }, layers: number): number {
  return decoded.width * 2 ** Math.max(0, layers - 1 - decoded.layer);
}

/** The lowest layer at least as wide as the picture (within the tolerance); the top one if none is. Unknown layer
 *  widths (nothing decoded yet) cap nothing: the adaptation starts on the middle layer anyway. */
export function layerForBox(pictureDevicePx: number, layers: number, topWidth: number | null): number {
  const top = Math.max(0, layers - 1);
  if (topWidth === null || topWidth <= 0 || pictureDevicePx <= 0) return top;
  for (let layer = 0; layer < top; layer++) {
    if (topWidth / 2 ** (top - layer) >= pictureDevicePx * UPSCALE_TOLERANCE) return layer;
  }
  return top;
}

/** The width in device pixels the picture is drawn at inside its element: `contain` letterboxes it (the big picture),
 *  `cover` fills the box and crops (the inset). */
export function pictureDevicePx(box: { width: number; height: number }, aspect: number, fit: 'contain' | 'cover', devicePixelRatio: number): number {
  if (box.width <= 0 || box.height <= 0) return 0;
  const atHeight = box.height * aspect;
  const css = fit === 'contain' ? Math.min(box.width, atHeight) : Math.max(box.width, atHeight);
  return Math.round(css * devicePixelRatio);
}
