import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Student } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import { checkStudentCode } from '../../db/practice-repo.ts';
import { signInStudent } from '../../stores/practice-session-store.ts';
import { tileColour } from './student-session.ts';

/** The class roster as big tiles (initial in a coloured circle, name); a student with a code enters it on a keypad. */
export function StudentTiles() {
  const { t } = useTranslation();
  const { db } = useApp();
  const students = useLiveQuery(() => db.students.orderBy('number').toArray(), [db]);
  const codes = useLiveQuery(async () => new Set((await db.studentCodes.toArray()).map((c) => c.studentId)), [db]);
  const [asking, setAsking] = useState<Student | null>(null);
  if (asking) return <CodePad student={asking} onCancel={() => setAsking(null)} />;
  return (
    <>
      <p className="practice-prompt">{t('practice.pickName')}</p>
      <ul className="student-tiles" data-testid="student-tiles">
        {students?.map((s) => (
          <li key={s.id}>
            <button type="button" className="student-tile" data-testid="student-tile" onClick={() => (codes?.has(s.id) ? setAsking(s) : signInStudent(s.id, Date.now()))}>
              <span className="initial" style={{ background: tileColour(s.id) }} aria-hidden="true">
                {[...s.name][0]}
              </span>
              <span className="name">{s.name}</span>
              {codes?.has(s.id) && <span className="lock" aria-label={t('practice.codeSet')}>🔒</span>}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function CodePad({ student, onCancel }: { student: Student; onCancel: () => void }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const [code, setCode] = useState('');
  const [wrong, setWrong] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const press = async (digit: string) => {
    const next = `${code}${digit}`.slice(0, 4);
    setCode(next);
    setWrong(false);
    if (next.length < 4) return;
    if (await checkStudentCode(db, student.id, next)) signInStudent(student.id, Date.now());
    else {
      setWrong(true);
      setCode('');
    }
  };
  return (
    <section className="code-pad" data-testid="code-pad">
      <h2>{t('practice.codeTitle', { name: student.name })}</h2>
      <p className="code-dots" aria-live="polite">
        {'●'.repeat(code.length).padEnd(4, '○')}
      </p>
      {wrong && <p className="error">{t('practice.codeWrong')}</p>}
      {error && <p className="error">{error}</p>}
      <div className="keys">
        {['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].map((d) => (
          <button key={d} type="button" onClick={() => void press(d).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))}>
            {d}
          </button>
        ))}
        <button type="button" className="secondary" onClick={onCancel}>
          {t('practice.cancel')}
        </button>
      </div>
    </section>
  );
}
