// Applies one page of hub changes and the new cursor in a single Dexie transaction, so a crash mid-way leaves the
// previous consistent state and the same page is simply pulled again. Each change is parsed on its own: one that does
// not parse (damaged, or a type a newer hub added) is skipped and recorded (meta `pullSkipped`, shown on 同步详情) —
// the rest of the page applies and the cursor moves on, so it can never stop the classroom's pulls. Where it was is
// kept (meta `pullReplay`), so the app's next version reads it again (pull-all.ts): a change of a type this version
// does not know (a 考核 paper, a withdrawn reply) is not lost to the classroom for good because it arrived first.
import { Change, type PullPage } from '../../shared/protocol.ts';
import type { AppDb } from '../db/app-db.ts';
import { getMeta, setMeta, type MetaValue } from '../db/meta-repo.ts';
import { mergeNoteVersion } from './merge-note.ts';

/** Stored times are UTC ISO strings so that string order is time order in the `startsAt` index. */
const utc = (iso: string) => new Date(iso).toISOString();

export type SkippedChange = MetaValue<'pullSkipped'>['recent'][number];
const KEEP_RECENT = 20;

/** Who reads the page, and from which cursor: a skipped change is then read again from there after an update. */
export type PullReader = { fromCursor: number; appVersion: string };

export async function applyPull(db: AppDb, page: PullPage, now: Date = new Date(), reader?: PullReader): Promise<{ applied: number; skipped: SkippedChange[] }> {
  const skipped: SkippedChange[] = [];
  let applied = 0;
  await db.transaction('rw', [db.lessons, db.students, db.meta, db.quizzes, db.notes, db.exams, db.examResults, db.noteFeedback], async () => {
    for (const raw of page.changes) {
      const parsed = Change.safeParse(raw);
      if (!parsed.success) {
        skipped.push({ at: now.toISOString(), cursor: page.cursor, reason: describe(parsed.error), change: preview(raw) });
        continue;
      }
      await applyChange(db, parsed.data);
      applied++;
    }
    if (skipped.length > 0) {
      const before = (await getMeta(db, 'pullSkipped')) ?? { count: 0, recent: [] };
      await setMeta(db, 'pullSkipped', { count: before.count + skipped.length, recent: [...before.recent, ...skipped].slice(-KEEP_RECENT) });
      if (reader) {
        const replay = await getMeta(db, 'pullReplay');
        const fromCursor = replay && replay.version === reader.appVersion ? Math.min(replay.fromCursor, reader.fromCursor) : reader.fromCursor;
        await setMeta(db, 'pullReplay', { fromCursor, version: reader.appVersion });
      }
    }
    await setMeta(db, 'pullCursor', page.cursor);
  });
  return { applied, skipped };
}

async function applyChange(db: AppDb, change: Change) {
  switch (change.type) {
    case 'lesson.put':
      await db.lessons.put({ ...change.lesson, startsAt: utc(change.lesson.startsAt), endsAt: utc(change.lesson.endsAt) });
      return;
    case 'lesson.delete':
      await db.lessons.delete(change.id);
      return;
    case 'student.put':
      await db.students.put(change.student);
      return;
    case 'student.delete':
      await db.students.delete(change.id);
      return;
    case 'quiz.put':
      await db.quizzes.put(change.quiz);
      return;
    case 'exam.put':
      await db.exams.put(change.exam);
      return;
    case 'exam.result':
      await db.examResults.put(change.result);
      return;
    case 'note.version':
      await db.notes.put(mergeNoteVersion(await db.notes.get(change.note.noteId), change.note));
      return;
    case 'note.feedback':
      await db.noteFeedback.put(change.feedback);
      return;
    case 'note.feedback.withdraw':
      await db.noteFeedback.delete(change.feedbackId);
      return;
  }
}

function describe(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  return (issue ? `${issue.path.map(String).join('.') || 'change'}: ${issue.message}` : 'invalid change').slice(0, 500);
}

function preview(raw: unknown): string {
  try {
    return (JSON.stringify(raw) ?? String(raw)).slice(0, 500);
  } catch {
    return String(raw).slice(0, 500);
  }
}
