import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExamPaper } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { ExamLocked } from '../../db/practice-repo.ts';
import type { ExamSittingRow } from '../../db/practice-rows.ts';
import { choiceLetter } from './student-session.ts';

/**
 * A 考核 on this PC: the paper has no key, so there is no feedback; answers are locked on submit (or when time runs out)
 * and scored on the hub after the window closes.
 */
export function ExamRunner({ studentId, exam, onDone }: { studentId: string; exam: ExamPaper; onDone: () => void }) {
  const { t } = useTranslation();
  const { session } = useApp();
  // The sitting is kept in IndexedDB (practice-repo openExamSitting): reopening the paper after 退出, an idle sign-out
  // or a crash finds the answers and the clock where they were; it used to restart both.
  const [sitting, setSitting] = useState<ExamSittingRow | null>(null);
  const [answers, setAnswers] = useState<(number | null)[]>(() => exam.questions.map(() => null));
  const [state, setState] = useState<'answering' | 'confirm' | 'submitted'>('answering');
  const [error, setError] = useState<string | null>(null);
  const [left, setLeft] = useState(exam.durationSec);
  const answersRef = useRef(answers);
  answersRef.current = answers;
  const failed = (e: unknown) => setError(e instanceof ExamLocked ? t(`practice.locked.${e.reason}`) : e instanceof Error ? e.message : String(e));

  useEffect(() => {
    let current = true;
    session
      .records()
      .openExamSitting(studentId, exam)
      .then((opened) => {
        if (!current) return;
        setSitting(opened);
        setAnswers(opened.answers);
        setLeft(session.records().examSecondsLeft(opened, exam));
      })
      .catch(failed);
    return () => {
      current = false;
    };
  }, [studentId, exam.id]); // opened once per student and paper

  const pick = (qi: number, ci: number) => {
    const next = answersRef.current.map((v, i) => (i === qi ? ci : v));
    setAnswers(next);
    answersRef.current = next;
    session.records().saveExamAnswers(studentId, exam.id, next).catch(failed);
  };

  const submit = async () => {
    if (!sitting) return;
    try {
      const seconds = exam.durationSec - session.records().examSecondsLeft(sitting, exam);
      await session.records().submitExam({ studentId, exam, answers: answersRef.current, seconds });
      setState('submitted');
    } catch (e) {
      // Time up: the PC's sweep (practice-repo handInLapsedSittings) may have handed this paper in a moment before.
      if (handedIn.current && e instanceof ExamLocked && e.reason === 'already_submitted') setState('submitted');
      else failed(e);
    }
  };
  const submitRef = useRef(submit);
  submitRef.current = submit;
  /** Time up hands the paper in once (a refusal, e.g. the window closed, is shown, not retried every second). */
  const handedIn = useRef(false);
  useEffect(() => {
    if (state === 'submitted' || !sitting) return undefined;
    const tick = () => {
      const remaining = session.records().examSecondsLeft(sitting, exam);
      setLeft(remaining);
      if (remaining === 0 && !handedIn.current) {
        handedIn.current = true;
        void submitRef.current(); // time is up: what is answered is handed in
      }
    };
    tick();
    const id = setInterval(tick, 1000);
    return () => clearInterval(id);
  }, [exam, sitting, state, session]);

  if (state === 'submitted') {
    return (
      <section className="practice-card" data-testid="exam-submitted">
        <p className="big">{t('practice.submitted')}</p>
        <button type="button" className="primary" onClick={onDone}>
          {t('practice.back')}
        </button>
      </section>
    );
  }
  return (
    <section className="practice-card exam" data-testid="exam-paper">
      <div className="student-bar">
        <h2>{exam.title}</h2>
        <strong className="time-left">{t('practice.timeLeft', { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` })}</strong>
      </div>
      {exam.questions.map((q, qi) => (
        <div key={q.id} className="exam-question" data-testid="exam-question">
          <p className="prompt">
            {qi + 1}. {q.prompt}
          </p>
          <div className="practice-choices" role="radiogroup">
            {q.choices.map((c, ci) => (
              <button
                key={ci}
                type="button"
                role="radio"
                aria-checked={answers[qi] === ci}
                className={answers[qi] === ci ? 'choice picked' : 'choice'}
                onClick={() => pick(qi, ci)}
              >
                {choiceLetter(ci)}. {c}
              </button>
            ))}
          </div>
        </div>
      ))}
      {error && <p className="error">{error}</p>}
      {state === 'confirm' ? (
        <div className="confirm-row">
          <span>{t('practice.submitConfirm')}</span>
          <button type="button" className="primary" data-testid="exam-confirm" onClick={() => void submit()}>
            {t('practice.submit')}
          </button>
          <button type="button" className="secondary" onClick={() => setState('answering')}>
            {t('practice.cancel')}
          </button>
        </div>
      ) : (
        <button type="button" className="primary" data-testid="exam-submit" onClick={() => setState('confirm')}>
          {t('practice.submit')}
        </button>
      )}
    </section>
  );
}
