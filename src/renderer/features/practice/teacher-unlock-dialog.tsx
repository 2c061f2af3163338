import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UnlockResult } from '../../app/student-mode.ts';
import { useApp } from '../../app/app-context.tsx';
import { TEACHER_PIN_PATTERN } from '../../app/teacher-pin.ts';
import { dismissRefusal, type RouteRefusal } from '../../stores/route-store.ts';
import { LockIcon } from '../shell/lock-icon.tsx';
import { useNow } from '../timetable/use-now.ts';
import { PinKeypad } from './pin-keypad.tsx';
import './practice.css';

type Failure = Exclude<UnlockResult, { ok: true }>;

/**
 * Shown over the students' screen when 学生模式 refused a screen: says which, and takes the teacher PIN (or, if it is
 * forgotten, school IT's 管理员 PIN). The lock itself is in the route store; this only asks.
 */
export function TeacherUnlockDialog({ refusal }: { refusal: RouteRefusal }) {
  const { t } = useTranslation();
  const { studentMode } = useApp();
  // Redrawn every second for the countdown; read afresh so a wait that just started says 30 s, not 31.
  useNow(1000);
  const now = Date.now();
  const [withItPin, setWithItPin] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const waiting = failure?.code === 'locked_out' && failure.retryAt > now;

  const submit = (pin: string) => {
    setBusy(true);
    void (withItPin ? studentMode.unlockWithItPin(pin) : studentMode.unlock(pin))
      .then((result) => setFailure(result.ok ? null : result))
      .finally(() => setBusy(false));
  };

  return (
    <div className="modal-backdrop">
      <section className="card teacher-unlock" role="dialog" aria-modal="true" aria-labelledby="teacher-unlock-title" data-testid="teacher-unlock">
        <h2 id="teacher-unlock-title">
          <LockIcon /> {t('studentMode.unlockTitle')}
        </h2>
        <p className="notice" role="status" data-testid="route-refused" data-screen={refusal.wanted.screen}>
          {refusal.reason === 'teacher_asked' ? t('studentMode.asked') : t('studentMode.refused', { screen: t(`studentMode.screens.${refusal.wanted.screen}`) })}
        </p>
        {withItPin && <p className="muted">{t('studentMode.itPinIntro')}</p>}
        <p className="pin-label">{withItPin ? t('studentMode.itPinLabel') : t('studentMode.pinLabel')}</p>
        <PinKeypad
          label={withItPin ? t('studentMode.itPinLabel') : t('studentMode.pinLabel')}
          minLength={4}
          maxLength={withItPin ? 8 : 6}
          disabled={busy || waiting}
          onSubmit={(pin) => (withItPin || TEACHER_PIN_PATTERN.test(pin) ? submit(pin) : undefined)}
        />
        {failure && (failure.code !== 'locked_out' || waiting) && (
          <p className="error" role="alert" data-testid="unlock-error" data-code={failure.code}>
            {failure.code === 'wrong_pin'
              ? t(withItPin ? 'studentMode.wrongItPin' : 'studentMode.wrongPin', { count: failure.triesLeft })
              : failure.code === 'locked_out'
                ? t('studentMode.lockedOut', { seconds: Math.ceil((failure.retryAt - now) / 1000) })
                : t('studentMode.noItPin')}
          </p>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={dismissRefusal}>
            {t('studentMode.cancel')}
          </button>
          <button
            type="button"
            className="secondary"
            data-testid="unlock-switch"
            onClick={() => {
              setWithItPin(!withItPin);
              setFailure(null);
            }}
          >
            {withItPin ? t('studentMode.backToTeacherPin') : t('studentMode.forgot')}
          </button>
        </div>
      </section>
    </div>
  );
}
