import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCrashLog, describeError } from './crash-log.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ykt-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('crash log', () => {
  it('appends one JSON line per entry, in call order, creating the folder', async () => {
    const log = createCrashLog({ file: join(dir, 'logs', 'app.log'), now: () => new Date('2026-03-01T08:00:00Z') });
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.write({ level: 'error', message: `e${i}`, source: 'renderer' })));
    const lines = (await readFile(join(dir, 'logs', 'app.log'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(50);
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(Array.from({ length: 50 }, (_, i) => `e${i}`));
    expect(JSON.parse(lines[0] ?? '{}')).toEqual({ at: '2026-03-01T08:00:00.000Z', source: 'renderer', level: 'error', message: 'e0' });
  });

  it('rotates past the size cap and keeps reading both files', async () => {
    const file = join(dir, 'app.log');
    const log = createCrashLog({ file, maxBytes: 1000 });
    for (let i = 0; i < 40; i++) await log.write({ level: 'info', message: `line ${i} ${'x'.repeat(50)}` });
    expect((await readdir(dir)).sort()).toEqual(['app.log', 'app.log.1']);
    const recent = await log.recent();
    expect(recent).toContain('line 39');
    expect(recent.length).toBeLessThan(3000);
    const tail = await log.recent(300);
    expect(tail.length).toBeLessThanOrEqual(300);
    expect(() => tail.trim().split('\n').map((l) => JSON.parse(l) as unknown)).not.toThrow();
  });

  it('never throws when the disk refuses the write', async () => {
    // A file where the log folder should be: every write fails with ENOTDIR.
    await writeFile(join(dir, 'blocker'), 'x');
    const log = createCrashLog({ file: join(dir, 'blocker', 'app.log') });
    await expect(log.write({ level: 'error', message: 'x' })).resolves.toBeUndefined();
    expect(await log.recent()).toBe('');
  });

  it('describes errors with their stack', () => {
    const described = describeError(new TypeError('boom'));
    expect(described.message).toBe('TypeError: boom');
    expect(described.detail).toContain('crash-log.test.ts');
    expect(describeError('plain')).toEqual({ message: 'plain' });
  });
});
