import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Quiz } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { rosterOf } from '../../db/timetable-repo.ts';
import { QuizResults } from './quiz-results.tsx';
import { QuizTally } from './quiz-tally.tsx';

export const choiceLetter = (i: number) => String.fromCharCode(65 + i);

/**
 * One quiz on a board the class can see: the answer key stays hidden (no ✓, no right/wrong colours, no accuracy) until
 * the teacher taps 公布答案 for that question, and every question starts with no answer picked, so a tap on a student
 * never records the previous question's letter.
 */
export function QuizRunner({ quiz, classroomId, questionId }: { quiz: Quiz; classroomId: string; questionId?: string }) {
  const { t } = useTranslation();
  const { db, session } = useApp();
  // questionId: run only that question (答题器: the one the lead teacher pushed to every classroom).
  const [questionIndex, setQuestionIndex] = useState(() => Math.max(0, quiz.questions.findIndex((q) => q.id === questionId)));
  const [choice, setChoice] = useState<number | null>(null);
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  const roster = useLiveQuery(() => rosterOf(db, classroomId), [db, classroomId]);
  const answers = useLiveQuery(() => db.quizAnswers.where('[lessonId+quizId]').equals([quiz.lessonId, quiz.id]).toArray(), [db, quiz.id]);
  const question = quiz.questions[questionIndex];
  if (!question || !roster || !answers) return null;
  const shown = revealed.has(question.id);
  const latest = new Map(
    answers
      .filter((a) => a.questionId === question.id && a.studentId)
      .sort((a, b) => (a.hlc < b.hlc ? -1 : 1))
      .map((a) => [a.studentId, a]),
  );
  const goTo = (i: number) => {
    setQuestionIndex(i);
    setChoice(null);
  };
  return (
    <section className="quiz" data-testid="quiz">
      <h2>{quiz.title}</h2>
      {questionId === undefined && (
        <div className="tabs">
          {quiz.questions.map((q, i) => (
            <button key={q.id} type="button" role="tab" aria-selected={i === questionIndex} onClick={() => goTo(i)}>
              {t('records.question', { n: i + 1 })}
            </button>
          ))}
        </div>
      )}
      <p className="quiz-prompt">{question.prompt}</p>
      <div className="choice-row" role="radiogroup" aria-label={t('records.pickChoice')}>
        {question.choices.map((c, i) => (
          <button
            key={c}
            type="button"
            role="radio"
            aria-checked={choice === i}
            className={`choice${choice === i ? ' selected' : ''}${shown && i === question.answer ? ' correct' : ''}`}
            data-correct={shown && i === question.answer ? 'true' : undefined}
            onClick={() => setChoice(i)}
          >
            {choiceLetter(i)}. {c}
            {shown && i === question.answer && <span className="correct-mark"> ✓</span>}
          </button>
        ))}
        <button
          type="button"
          className="secondary reveal"
          aria-pressed={shown}
          onClick={() => setRevealed((r) => (shown ? new Set([...r].filter((id) => id !== question.id)) : new Set([...r, question.id])))}
        >
          {shown ? t('records.hideAnswer') : t('records.revealAnswer')}
        </button>
      </div>
      <p className="muted" data-testid="quiz-hint">
        {choice === null ? t('records.quizPickFirst') : t('records.quizHint', { choice: choiceLetter(choice) })}
      </p>
      <ul className="roster-grid compact">
        {roster.map((s) => {
          const a = latest.get(s.id);
          const mark = !a ? '' : !shown ? 'answered' : a.correct ? 'answer-right' : 'answer-wrong';
          return (
            <li key={s.id}>
              <button
                type="button"
                className={`student ${mark}`}
                data-testid="quiz-student"
                disabled={choice === null}
                onClick={() => choice !== null && void session.records().recordAnswer(quiz, question.id, s.id, choice)}
              >
                <span className="student-number">{s.number}</span>
                <span className="student-name">{s.name}</span>
                <span className="student-status">{a?.choice != null ? choiceLetter(a.choice) : '—'}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <QuizTally total={roster.length} onSave={(correct) => void session.records().recordTally(quiz, question.id, correct, roster.length)} />
      <QuizResults quiz={quiz} answers={answers} roster={roster} revealed={revealed} />
    </section>
  );
}
