import { describe, expect, it } from 'vitest';
import { CLASSROOM_SWITCHES, switchArgs } from './chromium-switches.ts';

describe('classroom Chromium switches', () => {
  it('are one list, each named once, with a reason, as arguments the bench passes', () => {
    const names = CLASSROOM_SWITCHES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of CLASSROOM_SWITCHES) expect(s.why.length).toBeGreaterThan(10);
    const args = switchArgs(CLASSROOM_SWITCHES);
    expect(args).toContain('--renderer-process-limit=2');
    expect(args.find((a) => a.startsWith('--disable-features='))).toContain('SpareRendererForSitePerProcess');
    expect(args.every((a) => /^--[a-z-]+(=\S+)?$/.test(a))).toBe(true);
  });

  it('keep what the app needs: site isolation, the GPU, WebRTC and the heap are left alone', () => {
    const args = switchArgs(CLASSROOM_SWITCHES).join(' ');
    expect(args).not.toMatch(/site-per-process|disable-site-isolation|disable-gpu|max-old-space-size|WebRtc/i);
  });
});
