import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import type { PracticeItem } from './practice-data.ts';
import { choiceLetter } from './student-session.ts';

type Answered = { choice: number; correct: boolean };

/**
 * One question at a time: a tap on a choice shows right/wrong and the explanation at once (from the bank on this PC),
 * while the attempt is saved with its outbox op; a wrong one goes into the student's 错题本 for tomorrow.
 */
export function PracticeRunner({ studentId, items, title, onDone }: { studentId: string; items: PracticeItem[]; title: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { session } = useApp();
  const [index, setIndex] = useState(0);
  const [answered, setAnswered] = useState<Answered | null>(null);
  const [right, setRight] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const shownAt = useRef(performance.now());
  const item = items[index];
  const question = item?.quiz.questions.find((q) => q.id === item.questionId);
  if (!item || !question) {
    return (
      <section className="practice-card" data-testid="practice-done">
        <p className="big">{t('practice.done', { right, total: items.length })}</p>
        <button type="button" className="primary" onClick={onDone}>
          {t('practice.back')}
        </button>
      </section>
    );
  }
  const answer = (choice: number) => {
    if (answered) return;
    const correct = choice === question.answer;
    // Feedback first, from the bank on this PC: the save (IndexedDB) must not hold up what the student sees.
    setAnswered({ choice, correct });
    if (correct) setRight((n) => n + 1);
    const seconds = (performance.now() - shownAt.current) / 1000;
    session
      .records()
      .recordAttempt({ studentId, quiz: item.quiz, questionId: question.id, choice, seconds })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const next = () => {
    setAnswered(null);
    setIndex((i) => i + 1);
    shownAt.current = performance.now();
  };
  return (
    <section className="practice-card" data-testid="practice-question" data-question-id={question.id}>
      <p className="muted" data-testid="practice-heading">
        <span className="practice-source">{title}</span> · {t('practice.question', { n: index + 1, total: items.length })}
      </p>
      <h2 className="prompt">{question.prompt}</h2>
      <div className="practice-choices">
        {question.choices.map((c, i) => (
          <button
            key={i}
            type="button"
            data-testid="practice-choice"
            className={answered && i === question.answer ? 'choice right' : answered?.choice === i ? 'choice wrong' : 'choice'}
            disabled={answered !== null}
            onClick={() => answer(i)}
          >
            {choiceLetter(i)}. {c}
          </button>
        ))}
      </div>
      {answered && (
        <div className={`feedback ${answered.correct ? 'right' : 'wrong'}`} role="status" data-testid="practice-feedback">
          <strong>{answered.correct ? t('practice.right') : t('practice.wrong', { answer: choiceLetter(question.answer) })}</strong>
          {question.explanation && <p>{t('practice.explanation', { text: question.explanation })}</p>}
        </div>
      )}
      {error && <p className="error">{error}</p>}
      {answered && (
        <button type="button" className="primary" data-testid="practice-next" onClick={next}>
          {index + 1 < items.length ? t('practice.next') : t('practice.finish')}
        </button>
      )}
    </section>
  );
}
