import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuizPush } from '../../../shared/live-protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { QuizRunner } from '../records/quiz-runner.tsx';

/**
 * 答题器: the question the lead teacher pushed fills the screen at once; the teacher records the class's answers in the
 * usual quiz runner (they reach the hub through the outbox, so a cut loses nothing). 收起 shows the lesson again and
 * leaves a button to come back.
 */
export function LiveQuiz({ push, lessonId }: { push: QuizPush; lessonId: string }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const [hiddenPush, setHiddenPush] = useState<string | null>(null);
  const lesson = useLiveQuery(() => db.lessons.get(lessonId), [db, lessonId]);
  const quiz = useLiveQuery(() => db.quizzes.get(push.quizId), [db, push.quizId]);
  if (hiddenPush === push.pushId) {
    return (
      <button type="button" className="primary live-quiz-reopen" onClick={() => setHiddenPush(null)}>
        {t('live.quizReopen', { prompt: push.question.prompt })}
      </button>
    );
  }
  const ready = quiz?.questions.some((q) => q.id === push.question.id) && lesson;
  return (
    <section className="live-quiz" role="dialog" aria-label={t('live.quizTitle')} data-testid="live-quiz" data-push-id={push.pushId}>
      <header className="live-quiz-top">
        <span className="live-quiz-from">{t('live.quizFrom')}</span>
        <button type="button" className="secondary" onClick={() => setHiddenPush(push.pushId)}>
          {t('live.quizHide')}
        </button>
      </header>
      {ready && quiz && lesson ? (
        <QuizRunner key={push.pushId} quiz={quiz} classroomId={lesson.classroomId} questionId={push.question.id} />
      ) : (
        <p className="quiz-prompt">{push.question.prompt}</p>
      )}
    </section>
  );
}
