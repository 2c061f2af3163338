import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lesson, Quiz } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { rosterOf } from '../../db/timetable-repo.ts';
import { QuizResults } from './quiz-results.tsx';

const letter = (i: number) => String.fromCharCode(65 + i);

/** Run the lead school's 随堂测 on the board: pick a question, pick the answer a student gave, tap the students. */
export function QuizPanel({ lesson }: { lesson: Lesson }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const quizzes = useLiveQuery(() => db.quizzes.where('lessonId').equals(lesson.id).toArray(), [db, lesson.id]);
  if (!quizzes) return null;
  if (quizzes.length === 0) return <p className="empty">{t('records.noQuiz')}</p>;
  return (
    <>
      {quizzes.map((quiz) => (
        <QuizRunner key={quiz.id} quiz={quiz} classroomId={lesson.classroomId} />
      ))}
    </>
  );
}

/** questionId: run only that question (答题器: the one the lead teacher pushed to every classroom). */
export function QuizRunner({ quiz, classroomId, questionId }: { quiz: Quiz; classroomId: string; questionId?: string }) {
  const { t } = useTranslation();
  const { db, session } = useApp();
  const [questionIndex, setQuestionIndex] = useState(() => Math.max(0, quiz.questions.findIndex((q) => q.id === questionId)));
  const [choice, setChoice] = useState(0);
  const [tally, setTally] = useState('');
  const roster = useLiveQuery(() => rosterOf(db, classroomId), [db, classroomId]);
  const answers = useLiveQuery(() => db.quizAnswers.where('[lessonId+quizId]').equals([quiz.lessonId, quiz.id]).toArray(), [db, quiz.id]);
  const question = quiz.questions[questionIndex];
  if (!question || !roster || !answers) return null;
  const latest = new Map(
    answers
      .filter((a) => a.questionId === question.id && a.studentId)
      .sort((a, b) => (a.hlc < b.hlc ? -1 : 1))
      .map((a) => [a.studentId, a]),
  );
  return (
    <section className="quiz" data-testid="quiz">
      <h2>{quiz.title}</h2>
      <div className="tabs" hidden={questionId !== undefined}>
        {quiz.questions.map((q, i) => (
          <button key={q.id} type="button" role="tab" aria-selected={i === questionIndex} onClick={() => setQuestionIndex(i)}>
            {t('records.question', { n: i + 1 })}
          </button>
        ))}
      </div>
      <p className="quiz-prompt">{question.prompt}</p>
      <div className="choice-row" role="radiogroup" aria-label={t('records.pickChoice')}>
        {question.choices.map((c, i) => (
          <button key={c} type="button" role="radio" aria-checked={choice === i} className={`choice ${choice === i ? 'selected' : ''}`} onClick={() => setChoice(i)}>
            {letter(i)}. {c} {i === question.answer ? '✓' : ''}
          </button>
        ))}
      </div>
      <p className="muted">{t('records.quizHint', { choice: letter(choice) })}</p>
      <ul className="roster-grid compact">
        {roster.map((s) => {
          const a = latest.get(s.id);
          return (
            <li key={s.id}>
              <button
                type="button"
                className={`student ${a ? (a.correct ? 'answer-right' : 'answer-wrong') : ''}`}
                data-testid="quiz-student"
                onClick={() => void session.records().recordAnswer(quiz, question.id, s.id, choice)}
              >
                <span className="student-number">{s.number}</span>
                <span className="student-name">{s.name}</span>
                <span className="student-status">{a?.choice != null ? letter(a.choice) : '—'}</span>
              </button>
            </li>
          );
        })}
      </ul>
      <form
        className="tally-row"
        onSubmit={(e) => {
          e.preventDefault();
          const correct = Number(tally);
          if (Number.isInteger(correct) && correct >= 0 && correct <= roster.length) {
            void session.records().recordTally(quiz, question.id, correct, roster.length);
            setTally('');
          }
        }}
      >
        <label>
          {t('records.tally', { total: roster.length })}
          <input type="number" inputMode="numeric" min={0} max={roster.length} value={tally} onChange={(e) => setTally(e.target.value)} />
        </label>
        <button type="submit" className="secondary">{t('records.saveTally')}</button>
      </form>
      <QuizResults quiz={quiz} answers={answers} roster={roster} />
    </section>
  );
}
