// Applies one page of hub changes and the new cursor in a single Dexie transaction, so a crash mid-way leaves the
// previous consistent state and the same page is simply pulled again.
import type { PullResponse } from '../../shared/protocol.ts';
import type { AppDb } from '../db/app-db.ts';
import { setMeta } from '../db/meta-repo.ts';
import { mergeNoteVersion } from './merge-note.ts';

/** Stored times are UTC ISO strings so that string order is time order in the `startsAt` index. */
const utc = (iso: string) => new Date(iso).toISOString();

export async function applyPull(db: AppDb, page: PullResponse): Promise<void> {
  await db.transaction('rw', [db.lessons, db.students, db.meta, db.quizzes, db.notes], async () => {
    for (const change of page.changes) {
      switch (change.type) {
        case 'lesson.put':
          await db.lessons.put({ ...change.lesson, startsAt: utc(change.lesson.startsAt), endsAt: utc(change.lesson.endsAt) });
          break;
        case 'lesson.delete':
          await db.lessons.delete(change.id);
          break;
        case 'student.put':
          await db.students.put(change.student);
          break;
        case 'student.delete':
          await db.students.delete(change.id);
          break;
        case 'quiz.put':
          await db.quizzes.put(change.quiz);
          break;
        case 'note.version':
          await db.notes.put(mergeNoteVersion(await db.notes.get(change.note.noteId), change.note));
          break;
      }
    }
    await setMeta(db, 'pullCursor', page.cursor);
  });
}
