import { describe, expect, it } from 'vitest';
import type { NoteVersion } from '../../shared/protocol.ts';
import { mergeNoteVersion } from './merge-note.ts';

const v = (hlc: string, baseHlc: string | null, text: string, merges: string[] = []): NoteVersion => ({
  noteId: 'n1', lessonId: 'l1', hlc, baseHlc, merges, text, anchor: { kind: 'time', seconds: 750 }, pause: true, deleted: false, deviceId: 'd',
});

describe('mergeNoteVersion', () => {
  const first = mergeNoteVersion(undefined, v('h1', null, '讲通分'));

  it('takes the first version as is', () => {
    expect(first).toMatchObject({ current: { hlc: 'h1' }, known: ['h1'], conflicts: [] });
  });

  it('fast-forwards to an edit of the shown version', () => {
    expect(mergeNoteVersion(first, v('h2', 'h1', '讲通分，举本地例子'))).toMatchObject({ current: { hlc: 'h2' }, conflicts: [] });
  });

  it('ignores a version it already knows (its own echo, or an older one)', () => {
    const edited = mergeNoteVersion(first, v('h2', 'h1', 'b'));
    expect(mergeNoteVersion(edited, v('h1', null, '讲通分'))).toBe(edited);
  });

  it('keeps both sides of concurrent edits, never overwriting silently', () => {
    const mine = mergeNoteVersion(first, v('h2', 'h1', '我的'));
    const both = mergeNoteVersion(mine, v('h3', 'h1', '对方的'));
    expect(both.current.text).toBe('我的');
    expect(both.conflicts.map((c) => c.text)).toEqual(['对方的']);
  });

  it('a merge of both sides clears the conflict on this device and on the other one', () => {
    const mineFirst = mergeNoteVersion(mergeNoteVersion(first, v('h2', 'h1', '我的')), v('h3', 'h1', '对方的'));
    const theirsFirst = mergeNoteVersion(mergeNoteVersion(first, v('h3', 'h1', '对方的')), v('h2', 'h1', '我的'));
    const merge = v('h4', 'h2', '合并', ['h3']);
    for (const device of [mineFirst, theirsFirst]) {
      const merged = mergeNoteVersion(device, merge);
      expect(merged.current.text).toBe('合并');
      expect(merged.conflicts).toEqual([]);
    }
  });

  it('an edit of one side only leaves the other side in conflict', () => {
    const both = mergeNoteVersion(mergeNoteVersion(first, v('h2', 'h1', '我的')), v('h3', 'h1', '对方的'));
    const edited = mergeNoteVersion(both, v('h5', 'h3', '对方又改了'));
    expect(edited.current.text).toBe('我的');
    expect(edited.conflicts.map((c) => c.text)).toEqual(['对方又改了']);
  });
});
