// The window's size and position (and whether it was full screen or kiosk) remembered across starts, so a classroom
// PC opens the app the way the teacher left it. A saved position on a monitor that is gone (projector unplugged, new
// resolution) is moved back onto a screen instead of opening off-screen.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

export type Rect = { x: number; y: number; width: number; height: number };

export const WindowState = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(1).max(20_000),
  height: z.number().int().min(1).max(20_000),
  maximized: z.boolean(),
  fullScreen: z.boolean(),
  kiosk: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

export const MIN_SIZE = { width: 960, height: 600 } as const;
const DEFAULT_SIZE = { width: 1280, height: 800 } as const;

function centreIn(area: Rect, width: number, height: number): Rect {
  return { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height };
}

/** Where to open the window: the saved bounds if their centre is on a screen (size clamped to it), else centred. */
export function placeWindow(saved: WindowState | null, workAreas: Rect[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  const fallback = (): WindowState => ({
    ...centreIn(primary, Math.min(DEFAULT_SIZE.width, primary.width), Math.min(DEFAULT_SIZE.height, primary.height)),
    maximized: false,
    fullScreen: false,
    kiosk: false,
  });
  if (!saved) return fallback();
  const cx = saved.x + saved.width / 2;
  const cy = saved.y + saved.height / 2;
  const area = workAreas.find((a) => cx >= a.x && cx < a.x + a.width && cy >= a.y && cy < a.y + a.height);
  if (!area) return { ...fallback(), maximized: saved.maximized, fullScreen: saved.fullScreen, kiosk: saved.kiosk };
  const width = Math.max(Math.min(saved.width, area.width), Math.min(MIN_SIZE.width, area.width));
  const height = Math.max(Math.min(saved.height, area.height), Math.min(MIN_SIZE.height, area.height));
  const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - height);
  return { ...saved, x, y, width, height };
}

export function createWindowStateStore(file: string) {
  return {
    async load(): Promise<WindowState | null> {
      try {
        const parsed = WindowState.safeParse(JSON.parse(await readFile(file, 'utf8')));
        return parsed.success ? parsed.data : null;
      } catch {
        return null; // missing or damaged: open with defaults
      }
    },
    async save(state: WindowState): Promise<void> {
      const valid = WindowState.parse(state);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, JSON.stringify(valid), 'utf8');
      await rename(`${file}.tmp`, file);
    },
  };
}
