import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * A big numeric keypad for the teacher PIN on a touch board (keys as large as the students' tiles): digits shown as
 * dots, ⌫, 确定 once `minLength` digits are in. A keyboard's digits, Backspace and Enter work too.
 */
export function PinKeypad({ label, minLength, maxLength, disabled = false, onSubmit }: { label: string; minLength: number; maxLength: number; disabled?: boolean; onSubmit: (pin: string) => void }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const press = (digit: string) => setPin((p) => (p.length < maxLength ? p + digit : p));
  const erase = () => setPin((p) => p.slice(0, -1));
  const submit = () => {
    if (pin.length < minLength || disabled) return;
    onSubmit(pin);
    setPin('');
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (/^\d$/.test(e.key)) press(e.key);
      else if (e.key === 'Backspace') erase();
      else if (e.key === 'Enter') submit();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  return (
    <div className="pin-keypad">
      <p className="pin-dots" aria-label={label} data-testid="pin-dots" data-length={pin.length}>
        {'●'.repeat(pin.length).padEnd(maxLength, '○')}
      </p>
      <div className="keys">
        {DIGITS.map((d) => (
          <button key={d} type="button" disabled={disabled} onClick={() => press(d)}>
            {d}
          </button>
        ))}
        <button type="button" className="secondary" aria-label={t('studentMode.erase')} disabled={disabled} onClick={erase}>
          ⌫
        </button>
        <button type="button" disabled={disabled} onClick={() => press('0')}>
          0
        </button>
        <button type="button" className="primary" data-testid="pin-confirm" disabled={disabled || pin.length < minLength} onClick={submit}>
          {t('studentMode.confirm')}
        </button>
      </div>
    </div>
  );
}
