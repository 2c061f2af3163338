import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../stores/route-store.ts';
import { checkItPin, hasItPin, PIN_PATTERN, setItPin } from './it-pin.ts';

export function PinGate({ storage, onUnlock }: { storage: Storage; onUnlock: () => void }) {
  const { t } = useTranslation();
  const [isNew] = useState(() => !hasItPin(storage));
  const [pin, setPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (isNew) {
      if (!PIN_PATTERN.test(pin)) return setError(t('admin.pinInvalid'));
      if (pin !== repeat) return setError(t('admin.pinMismatch'));
      await setItPin(storage, pin);
      return onUnlock();
    }
    if (await checkItPin(storage, pin)) return onUnlock();
    setPin('');
    setError(t('admin.pinWrong'));
  }

  return (
    <main className="enroll">
      <form className="card enroll-card" onSubmit={(e) => void submit(e)}>
        <h1>{isNew ? t('admin.pinSetTitle') : t('admin.pinEnterTitle')}</h1>
        {isNew && <p className="muted">{t('admin.pinSetIntro')}</p>}
        <label>
          {t('admin.pin')}
          <input type="password" inputMode="numeric" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} maxLength={8} required autoFocus />
        </label>
        {isNew && (
          <label>
            {t('admin.pinRepeat')}
            <input type="password" inputMode="numeric" autoComplete="off" value={repeat} onChange={(e) => setRepeat(e.target.value)} maxLength={8} required />
          </label>
        )}
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
            {isNew ? t('admin.save') : t('admin.unlock')}
          </button>
        </div>
      </form>
    </main>
  );
}
