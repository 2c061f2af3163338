import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QuizPush } from '../../shared/live-protocol.ts';
import { openAppDb, type AppDb } from './app-db.ts';
import { liveStoppedAt, noteLiveStopped, storePushedQuestion } from './live-repo.ts';

let db: AppDb;
beforeEach(() => {
  db = openAppDb(`live-repo-test-${crypto.randomUUID()}`);
});
afterEach(async () => {
  await db.delete();
});

const push = (id: string, prompt: string): QuizPush => ({
  pushId: `push-${id}`,
  lessonId: 'les-live-demo',
  quizId: 'live-les-live-demo',
  quizTitle: '课堂答题器',
  question: { id, prompt, choices: ['6', '-6'], answer: 1 },
  at: '2026-11-25T02:00:00.000Z',
});

describe('live repo', () => {
  it('stores a pushed question into its quiz, adding to (or updating in) what sync brought', async () => {
    await storePushedQuestion(db, push('lq1', '(-2) × 3 = ?'));
    expect((await db.quizzes.get('live-les-live-demo'))?.questions.map((q) => q.id)).toEqual(['lq1']);
    await storePushedQuestion(db, push('lq2', '(-2) × (-3) = ?'));
    await storePushedQuestion(db, push('lq1', '(-2) × 3 = ?（改）'));
    const quiz = await db.quizzes.get('live-les-live-demo');
    expect(quiz).toMatchObject({ lessonId: 'les-live-demo', title: '课堂答题器' });
    expect(quiz?.questions.map((q) => [q.id, q.prompt])).toEqual([
      ['lq2', '(-2) × (-3) = ?'],
      ['lq1', '(-2) × 3 = ?（改）'],
    ]);
  });

  it('remembers where each lesson’s live stream last stopped', async () => {
    expect(await liveStoppedAt(db, 'les-a')).toBeNull();
    await noteLiveStopped(db, 'les-a', 1_000);
    await noteLiveStopped(db, 'les-b', 2_000);
    await noteLiveStopped(db, 'les-a', 3_000);
    expect(await liveStoppedAt(db, 'les-a')).toBe(3_000);
    expect(await liveStoppedAt(db, 'les-b')).toBe(2_000);
  });
});
