// IT's update settings (channel, download hours, quiet hours) in the user-data folder, so they survive restarts and
// updates. A missing or damaged file means the defaults.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UpdateChannel, UpdateWindows } from '../../shared/update-protocol.ts';

export const UpdateSettings = z.object({ channel: UpdateChannel, windows: UpdateWindows });
export type UpdateSettings = z.infer<typeof UpdateSettings>;

export function createUpdateSettingsStore(file: string, defaults: UpdateSettings) {
  return {
    async load(): Promise<UpdateSettings> {
      try {
        const parsed = UpdateSettings.safeParse(JSON.parse(await readFile(file, 'utf8')));
        return parsed.success ? parsed.data : defaults;
      } catch {
        return defaults;
      }
    },
    async save(settings: UpdateSettings): Promise<void> {
      const valid = UpdateSettings.parse(settings);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.tmp`, JSON.stringify(valid), 'utf8');
      await rename(`${file}.tmp`, file);
    },
  };
}
