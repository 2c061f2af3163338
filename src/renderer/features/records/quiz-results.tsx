import { useTranslation } from 'react-i18next';
import type { Quiz, Student } from '../../../shared/protocol.ts';
import type { QuizAnswerRow } from '../../db/app-db.ts';
import { quizSummary } from './quiz-summary.ts';

/**
 * The class result: per question, how many answered and — once its answer is revealed — the accuracy; who needs help
 * (分层辅导) only when every question is revealed, since right/wrong on the board would give the key away.
 */
export function QuizResults({ quiz, answers, roster, revealed }: { quiz: Quiz; answers: QuizAnswerRow[]; roster: Student[]; revealed: ReadonlySet<string> }) {
  const { t } = useTranslation();
  const summary = quizSummary(quiz, answers, roster);
  const allRevealed = quiz.questions.every((q) => revealed.has(q.id));
  return (
    <div className="quiz-results" data-testid="quiz-results">
      <h3>{t('records.results')}</h3>
      <ol>
        {summary.questions.map((q, i) => (
          <li key={q.questionId}>
            {t('records.questionLabel', { n: i + 1 })}
            {q.answered === 0
              ? '—'
              : revealed.has(q.questionId)
                ? t('records.accuracy', { pct: Math.round((100 * q.correct) / q.answered), correct: q.correct, answered: q.answered })
                : t('records.answeredHidden', { answered: q.answered })}
          </li>
        ))}
      </ol>
      <p>
        <strong>{t('records.needHelp')}</strong>
        {!allRevealed ? t('records.needHelpHidden') : summary.needHelp.length === 0 ? '—' : summary.needHelp.map((s) => s.name).join('、')}
      </p>
    </div>
  );
}
