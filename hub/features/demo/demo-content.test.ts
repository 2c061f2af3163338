// The demo packs go to the lessons they are for: each subject's 预习包 (a Chinese handout) to that subject's lessons only,
// the recording to recorded lessons; a data directory from before per-subject packs loses the old every-lesson pack.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PackManifest } from '../../../src/shared/content-protocol.ts';
import { ephemeralPackSigner } from '../../core/signing/pack-signing.ts';
import { openDatabase } from '../../core/db/open-database.ts';
import { DEMO_RECORDING_PACK, demoPreviewPackId, ensureDemoContent } from './demo-content.ts';
import { findCjkFont } from './demo-pdf.ts';
import { seedDemo } from './seed-demo.ts';

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const dir = mkdtempSync(join(tmpdir(), 'hub-demo-content-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasFfmpeg || !findCjkFont())('demo content (needs ffmpeg and fonts-noto-cjk)', () => {
  it('attaches each subject’s handout to that subject’s lessons only, and the recording to recorded lessons', async () => {
    const db = openDatabase(join(dir, 'hub.sqlite'));
    await seedDemo(db, new Date('2026-11-25T02:00:00Z'));
    db.raw.prepare(`INSERT INTO packs (id, kind, title, manifest, created_at) VALUES ('pack-demo-preview', 'preview', '预习包', '{}', 'then')`).run();
    db.raw.prepare(`INSERT INTO lesson_packs (lesson_id, pack_id) SELECT id, 'pack-demo-preview' FROM lessons`).run();

    expect(await ensureDemoContent(db, dir, join(dir, 'content'), new Date(), ephemeralPackSigner())).toBe(true);
    const rows = db.raw.prepare(`SELECT l.id, l.mode, c.subject, group_concat(lp.pack_id) AS packs FROM lessons l JOIN courses c ON c.id = l.course_id LEFT JOIN lesson_packs lp ON lp.lesson_id = l.id GROUP BY l.id`)
      .all() as { id: string; mode: string; subject: string; packs: string | null }[];
    for (const r of rows) {
      const packs = (r.packs ?? '').split(',').filter(Boolean).sort();
      const expected = [...(r.mode === 'recorded' ? [DEMO_RECORDING_PACK] : []), demoPreviewPackId(r.subject)].sort();
      expect(packs, `${r.id} (${r.subject})`).toEqual(expected);
    }
    const chinese = PackManifest.parse(JSON.parse((db.raw.prepare(`SELECT manifest FROM packs WHERE id = ?`).get(demoPreviewPackId('语文')) as { manifest: string }).manifest));
    expect(chinese.title).toBe('语文预习包');
    expect(chinese.files.map((f) => [f.path, f.mime])).toEqual([['讲义.pdf', 'application/pdf']]);
    expect(await ensureDemoContent(db, dir, join(dir, 'content'), new Date(), ephemeralPackSigner())).toBe(false); // made once
    await db.close();
  }, 60_000);
});
