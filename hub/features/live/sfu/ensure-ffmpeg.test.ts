// `npm install`'s ffmpeg step with an injected installer (ffmpeg cannot be removed from a shared machine): as root it
// installs with apt, otherwise it says in one line what to run; it never fails the install.
import { describe, expect, it } from 'vitest';
import { FFMPEG_ADVICE, ffmpegMissing } from '../recording/ffmpeg-process.ts';
import { ensureFfmpeg, type FfmpegInstallDeps } from './ensure-ffmpeg.ts';

function machine(options: { present: boolean; root: boolean; aptWorks: boolean }) {
  let present = options.present;
  const lines: string[] = [];
  let installs = 0;
  const deps: FfmpegInstallDeps = {
    missing: () => (present ? null : 'ffmpeg not found'),
    isRoot: () => options.root,
    aptInstall: () => {
      installs++;
      if (!options.aptWorks) return 'apt-get update: Temporary failure resolving deb.debian.org';
      present = true;
      return null;
    },
    say: (line) => lines.push(line),
  };
  return { deps, lines, installs: () => installs };
}

describe('ensureFfmpeg', () => {
  it('leaves a machine with ffmpeg alone', () => {
    const m = machine({ present: true, root: true, aptWorks: true });
    expect(ensureFfmpeg(m.deps)).toBe(true);
    expect(m.installs()).toBe(0);
    expect(m.lines).toEqual(['found']);
  });

  it('installs it with apt as root (a fresh Debian machine)', () => {
    const m = machine({ present: false, root: true, aptWorks: true });
    expect(ensureFfmpeg(m.deps)).toBe(true);
    expect(m.installs()).toBe(1);
    expect(m.lines.at(-1)).toBe('installed');
  });

  it('not root: one line saying what to run, nothing installed, no failure', () => {
    const m = machine({ present: false, root: false, aptWorks: true });
    expect(ensureFfmpeg(m.deps)).toBe(false);
    expect(m.installs()).toBe(0);
    expect(m.lines).toHaveLength(1);
    expect(m.lines[0]).toContain(FFMPEG_ADVICE);
  });

  it('apt cannot reach its mirror: says why and what to run, and returns instead of throwing', () => {
    const m = machine({ present: false, root: true, aptWorks: false });
    expect(ensureFfmpeg(m.deps)).toBe(false);
    expect(m.lines.at(-1)).toContain('Temporary failure resolving');
    expect(m.lines.at(-1)).toContain(FFMPEG_ADVICE);
  });

  it('ffmpegMissing names a binary that is not there, and accepts the machine’s own', () => {
    expect(ffmpegMissing('/nonexistent/ffmpeg')).toBe('/nonexistent/ffmpeg not found');
    expect(ffmpegMissing('/bin/false')).toMatch(/^\/bin\/false cannot run/);
  });
});
