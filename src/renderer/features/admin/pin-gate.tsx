import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { navigate } from '../../stores/route-store.ts';
import { checkItPin, hasItPin } from './it-pin.ts';

/**
 * The 管理员 page asks for the IT PIN set when the PC was enrolled. A PC without one (enrolled by an older version) is
 * not handed to whoever opens the page first: the PIN is set by enrolling again, which needs a code from the hub.
 */
export function PinGate({ storage, onUnlock }: { storage: Storage; onUnlock: () => void }) {
  const { t } = useTranslation();
  const { session } = useApp();
  const [hasPin] = useState(() => hasItPin(storage));
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (await checkItPin(storage, pin)) return onUnlock();
    setPin('');
    setError(t('admin.pinWrong'));
  }

  if (!hasPin) {
    return (
      <main className="enroll">
        <div className="card enroll-card" role="alert">
          <h1>{t('admin.pinMissingTitle')}</h1>
          <p>{t('admin.pinMissing')}</p>
          <div className="actions">
            <button type="button" className="secondary" onClick={() => navigate({ screen: 'timetable' })}>
              {t('admin.back')}
            </button>
            <button type="button" className="primary" onClick={() => session.openEnrollment(true)}>
              {t('admin.reenroll')}
            </button>
          </div>
        </div>
      </main>
    );
  }

  return (
    <main className="enroll">
      <form className="card enroll-card" onSubmit={(e) => void submit(e)}>
        <h1>{t('admin.pinEnterTitle')}</h1>
        <label>
          {t('admin.pin')}
          <input type="password" inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} maxLength={8} required autoFocus />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={() => navigate({ screen: 'timetable' })}>
            {t('admin.back')}
          </button>
          <button type="submit" className="primary">
            {t('admin.unlock')}
          </button>
        </div>
      </form>
    </main>
  );
}
