// Runs inside the page (serialised by playwright): generates classroom records through the app's own commands.
// Kept free of imports so it survives serialisation; the shapes it touches are checked by the app's types at build.
import type { AppDb } from '../../src/renderer/db/app-db.ts';
import type { Session } from '../../src/renderer/app/session.ts';

export type TestHooks = { db: AppDb; session: Session };
export type GenerateArgs = { count: number; seed: number; attendanceOnly: boolean };

export async function generateOps({ count, seed, attendanceOnly }: GenerateArgs): Promise<string[]> {
  const { db, session } = (window as unknown as { yktTest: TestHooks }).yktTest;
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 4_294_967_296);
  const pick = <T,>(list: T[]): T => list[Math.floor(random() * list.length)] as T;
  const [lessons, students, quizzes] = await Promise.all([db.lessons.toArray(), db.students.toArray(), db.quizzes.toArray()]);
  const records = session.records();
  const statuses = ['present', 'absent', 'late', 'leave'] as const;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = attendanceOnly ? 0 : i % 10;
    if (kind <= 5 || quizzes.length === 0) {
      ids.push(await records.setAttendance(pick(lessons).id, pick(students).id, pick([...statuses])));
    } else if (kind <= 7) {
      const quiz = pick(quizzes);
      const question = pick(quiz.questions);
      ids.push(await records.recordAnswer(quiz, question.id, pick(students).id, Math.floor(random() * question.choices.length)));
    } else if (kind === 8) {
      const quiz = pick(quizzes);
      ids.push(await records.recordTally(quiz, pick(quiz.questions).id, Math.floor(random() * 20), 20));
    } else {
      ids.push(await records.saveNote({ lessonId: pick(lessons).id, anchor: { kind: 'time', seconds: Math.floor(random() * 2400) }, text: `第${i}条：这里停下，用本地例子讲解`, pause: random() < 0.5 }));
    }
  }
  return ids;
}

/** `refused`: ops the hub did not accept, whether still retried (pending with an error) or failed. */
export async function outboxCounts(): Promise<{ pending: number; refused: number }> {
  const { db } = (window as unknown as { yktTest: TestHooks }).yktTest;
  return {
    pending: await db.outbox.where('status').equals('pending').count(),
    refused: await db.outbox.filter((r) => r.status !== 'pending' || r.lastError !== undefined).count(),
  };
}
