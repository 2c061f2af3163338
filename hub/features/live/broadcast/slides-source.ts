// The broadcaster's second source, courseware: slides at a low frame rate and high resolution, as a lead teacher's PPT
// or board looks on the wire. Either a folder of images (a rendered PDF or exported slides, shown in name order, each
// for SLIDE_SECONDS) or, for tests and the demo, generated slides whose content changes every SLIDE_SECONDS.
import { existsSync } from 'node:fs';

export const SLIDES = { width: 1920, height: 1080, fps: 2, seconds: 5 } as const;
/** A keyframe every 2 s: a new viewer (or a layer switch) waits at most that long for the slide; still slides cost little. */
export const SLIDES_GOP = SLIDES.fps * 2;

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** ffmpeg input arguments for the slides (read at their own pace: -re). */
export function slidesInputArgs(folder?: string): string[] {
  if (folder) {
    return ['-re', '-framerate', `1/${SLIDES.seconds}`, '-loop', '1', '-pattern_type', 'glob', '-i', `${folder.replace(/[*?[\]]/g, '\\$&')}/*.{png,jpg,jpeg}`];
  }
  return ['-re', '-f', 'lavfi', '-i', generatedSlides()];
}

/** A title bar with the slide number and "bullet" bars that grow slide by slide (drawbox needs no font; text if one is there). */
function generatedSlides(): string {
  const slide = `trunc(t/${SLIDES.seconds})`;
  const filters = [
    `color=c=white:s=${SLIDES.width}x${SLIDES.height}:r=${SLIDES.fps}`,
    'drawbox=x=0:y=0:w=iw:h=140:color=0x1565c0:t=fill',
    ...[0, 1, 2, 3].map(
      (i) => `drawbox=x=160:y=${260 + i * 150}:w=(iw-320)*(mod(${slide}+${i * 3}\\,8)+1)/8:h=60:color=${['0x2e7d32', '0xef6c00', '0x6a1b9a', '0x00838f'][i]}:t=fill`,
    ),
  ];
  if (existsSync(FONT)) filters.push(`drawtext=fontfile=${FONT}:text='Slide %{eif\\:${slide}+1\\:d}':x=160:y=36:fontsize=72:fontcolor=white`);
  return filters.join(',');
}

/** Scales the slides to the broadcast's size at its frame rate, whatever the images' size. */
export function slidesFilter(input: string, output: string): string {
  return `[${input}]scale=${SLIDES.width}:${SLIDES.height}:force_original_aspect_ratio=decrease,pad=${SLIDES.width}:${SLIDES.height}:(ow-iw)/2:(oh-ih)/2:white,fps=${SLIDES.fps},format=yuv420p[${output}]`;
}
