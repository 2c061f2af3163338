import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { hasItPin, PIN_PATTERN, setItPin } from '../admin/it-pin.ts';
import { errorMessage } from '../shell/error-message.ts';
import { LanguageToggle } from '../shell/language-toggle.tsx';

function initialHubUrl(): string {
  return new URLSearchParams(window.location.search).get('hub') ?? '';
}

/** An enrollment link may carry the https hub's certificate fingerprint: ?hub=https://…&pin=AB:CD:… */
function initialPin(): string {
  return new URLSearchParams(window.location.search).get('pin') ?? '';
}

export function EnrollScreen({ canCancel }: { canCancel: boolean }) {
  const { t } = useTranslation();
  const { session } = useApp();
  const [hubUrl, setHubUrl] = useState(initialHubUrl);
  const [code, setCode] = useState('');
  const [pin, setPin] = useState(initialPin);
  const https = hubUrl.trim().toLowerCase().startsWith('https:');
  const [deviceName, setDeviceName] = useState(() => t('enroll.deviceNameDefault'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Whoever enrolls the PC (school IT, with the hub's code) sets the 管理员密码 (the IT PIN) here; re-enrolling keeps the one set.
  const [needsPin] = useState(() => !hasItPin(window.localStorage));
  const [itPin, setItPinValue] = useState('');
  const [itPinRepeat, setItPinRepeat] = useState('');

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (needsPin && !PIN_PATTERN.test(itPin)) return setError(t('admin.pinInvalid'));
    if (needsPin && itPin !== itPinRepeat) return setError(t('admin.pinMismatch'));
    setBusy(true);
    try {
      await session.enroll({ hubUrl, code, deviceName, certFingerprint: https ? pin : '' });
      if (needsPin) await setItPin(window.localStorage, itPin);
    } catch (err) {
      setError(err instanceof TypeError ? t('enroll.badUrl') : errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="enroll">
      <form className="card enroll-card" onSubmit={(e) => void submit(e)}>
        <header className="enroll-header">
          <h1>{t('enroll.title')}</h1>
          <LanguageToggle />
        </header>
        <p className="muted">{t('enroll.intro')}</p>
        <label>
          {t('enroll.hubUrl')}
          <input name="hubUrl" value={hubUrl} onChange={(e) => setHubUrl(e.target.value)} placeholder={t('enroll.hubUrlHint')} required inputMode="url" autoComplete="off" />
        </label>
        {https && (
          <label>
            {t('enroll.fingerprint')}
            <input name="certFingerprint" value={pin} onChange={(e) => setPin(e.target.value)} placeholder={t('enroll.fingerprintHint')} autoComplete="off" spellCheck={false} />
          </label>
        )}
        <div className="enroll-row">
          <label>
            {t('enroll.code')}
            <input name="code" value={code} onChange={(e) => setCode(e.target.value)} placeholder={t('enroll.codeHint')} required autoComplete="off" autoCapitalize="characters" />
          </label>
          <label>
            {t('enroll.deviceName')}
            <input name="deviceName" value={deviceName} onChange={(e) => setDeviceName(e.target.value)} required maxLength={100} />
          </label>
        </div>
        {needsPin && (
          <fieldset className="enroll-pin">
            <legend>{t('enroll.pinTitle')}</legend>
            <p className="muted">{t('enroll.pinIntro')}</p>
            <div className="enroll-row">
              <label>
                {t('admin.pin')}
                <input type="password" name="itPin" inputMode="numeric" autoComplete="new-password" value={itPin} onChange={(e) => setItPinValue(e.target.value)} maxLength={8} required />
              </label>
              <label>
                {t('admin.pinRepeat')}
                <input type="password" name="itPinRepeat" inputMode="numeric" autoComplete="new-password" value={itPinRepeat} onChange={(e) => setItPinRepeat(e.target.value)} maxLength={8} required />
              </label>
            </div>
          </fieldset>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          {canCancel && (
            <button type="button" className="secondary" onClick={() => session.openEnrollment(false)}>
              ←
            </button>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('enroll.submitting') : t('enroll.submit')}
          </button>
        </div>
      </form>
    </main>
  );
}
