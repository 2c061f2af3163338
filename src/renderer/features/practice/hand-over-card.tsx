import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { LockIcon } from '../shell/lock-icon.tsx';
import { PinKeypad } from './pin-keypad.tsx';

type Step = { kind: 'first' } | { kind: 'again'; pin: string };

/**
 * 学生练习 opened while not in 学生模式: the teacher hands the PC over here. The first time (or after the IT PIN
 * recovery cleared it) she sets the teacher PIN, typed twice, and 学生模式 starts; otherwise one tap starts it.
 */
export function HandOverCard() {
  const { t } = useTranslation();
  const { studentMode } = useApp();
  const hasPin = useLiveQuery(() => studentMode.hasTeacherPin(), [studentMode]);
  const [step, setStep] = useState<Step>({ kind: 'first' });
  const [mismatch, setMismatch] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));

  if (hasPin === undefined) return null;
  if (hasPin) {
    return (
      <section className="card hand-over" data-testid="hand-over">
        <p>{t('studentMode.handOverIntro')}</p>
        <button type="button" className="primary hand-over-start" data-testid="student-mode-start" onClick={() => void studentMode.handOver().catch(fail)}>
          <LockIcon /> {t('studentMode.start')}
        </button>
        {error && <p className="error">{error}</p>}
      </section>
    );
  }
  const entered = (pin: string) => {
    if (step.kind === 'first') {
      setMismatch(false);
      setStep({ kind: 'again', pin });
    } else if (pin !== step.pin) {
      setMismatch(true);
      setStep({ kind: 'first' });
    } else {
      void studentMode
        .setTeacherPin(pin)
        .then(() => studentMode.handOver())
        .catch(fail);
    }
  };
  return (
    <section className="card hand-over set-teacher-pin" data-testid="set-teacher-pin">
      <div className="set-pin-text">
        <h2>{t('studentMode.setTitle')}</h2>
        <p className="muted">{t('studentMode.setIntro')}</p>
        <p className="pin-label" data-testid="set-pin-step" data-step={step.kind}>
          {step.kind === 'first' ? t('studentMode.pinLabel') : t('studentMode.setAgain')}
        </p>
        {mismatch && (
          <p className="error" role="alert" data-testid="pin-mismatch">
            {t('studentMode.mismatch')}
          </p>
        )}
        {error && <p className="error">{error}</p>}
      </div>
      <PinKeypad key={step.kind} label={t('studentMode.pinLabel')} minLength={4} maxLength={6} onSubmit={entered} />
    </section>
  );
}
