import { useTranslation } from 'react-i18next';
import type { Quiz, Student } from '../../../shared/protocol.ts';
import type { QuizAnswerRow } from '../../db/app-db.ts';
import { quizSummary } from './quiz-summary.ts';

/** The class result at once: accuracy per question and who needs help (分层辅导). */
export function QuizResults({ quiz, answers, roster }: { quiz: Quiz; answers: QuizAnswerRow[]; roster: Student[] }) {
  const { t } = useTranslation();
  const summary = quizSummary(quiz, answers, roster);
  return (
    <div className="quiz-results" data-testid="quiz-results">
      <h3>{t('records.results')}</h3>
      <ol>
        {summary.questions.map((q, i) => (
          <li key={q.questionId}>
            {t('records.question', { n: i + 1 })}: {q.answered === 0 ? '—' : t('records.accuracy', { pct: Math.round((100 * q.correct) / q.answered), correct: q.correct, answered: q.answered })}
          </li>
        ))}
      </ol>
      <p>
        <strong>{t('records.needHelp')}</strong> {summary.needHelp.length === 0 ? '—' : summary.needHelp.map((s) => s.name).join('、')}
      </p>
    </div>
  );
}
