// What a live lesson leaves in the classroom's database: questions the lead teacher pushed (答题器) merged into their
// quiz, so the quiz runner records answers and they sync through the outbox like any; and where the live stream
// stopped, so 改看录播 picks the recording up at that moment.
import type { QuizPush } from '../../shared/live-protocol.ts';
import type { Quiz } from '../../shared/protocol.ts';
import type { AppDb } from './app-db.ts';
import { getMeta, setMeta } from './meta-repo.ts';

/** Adds (or updates) the pushed question in its quiz; the full quiz arriving by sync later replaces it as usual. */
export async function storePushedQuestion(db: AppDb, push: QuizPush): Promise<void> {
  await db.transaction('rw', db.quizzes, async () => {
    const existing = await db.quizzes.get(push.quizId);
    const others = (existing?.questions ?? []).filter((q) => q.id !== push.question.id);
    const quiz: Quiz = {
      id: push.quizId,
      lessonId: push.lessonId,
      title: existing?.title ?? push.quizTitle,
      questions: [...others, push.question],
    };
    await db.quizzes.put(quiz);
  });
}

const KEEP = 50;

export async function noteLiveStopped(db: AppDb, lessonId: string, hubMs: number): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    const all = (await getMeta(db, 'liveStoppedAt')) ?? {};
    const entries = Object.entries({ ...all, [lessonId]: hubMs }).sort((a, b) => b[1] - a[1]).slice(0, KEEP);
    await setMeta(db, 'liveStoppedAt', Object.fromEntries(entries));
  });
}

export async function liveStoppedAt(db: AppDb, lessonId: string): Promise<number | null> {
  return (await getMeta(db, 'liveStoppedAt'))?.[lessonId] ?? null;
}
