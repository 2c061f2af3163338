import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** When the teacher counts hands instead of tapping students: how many got the question right. */
export function QuizTally({ total, onSave }: { total: number; onSave: (correct: number) => void }) {
  const { t } = useTranslation();
  const [tally, setTally] = useState('');
  return (
    <form
      className="tally-row"
      onSubmit={(e) => {
        e.preventDefault();
        const correct = Number(tally);
        if (tally !== '' && Number.isInteger(correct) && correct >= 0 && correct <= total) {
          onSave(correct);
          setTally('');
        }
      }}
    >
      <label>
        {t('records.tally', { total })}
        <input type="number" inputMode="numeric" min={0} max={total} value={tally} onChange={(e) => setTally(e.target.value)} />
      </label>
      <button type="submit" className="secondary">
        {t('records.saveTally')}
      </button>
    </form>
  );
}
