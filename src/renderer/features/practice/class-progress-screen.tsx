import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { setStudentCode } from '../../db/practice-repo.ts';
import { classProgress, type StudentProgress } from './practice-data.ts';
import './practice.css';

/**
 * The teacher's view of the class's practice, on the board, offline: who has not practised, lessons mastered, where
 * each student is stuck, 考核 scores; and each student's optional sign-in code (kept hashed on this PC only).
 */
export function ClassProgressScreen() {
  const { t } = useTranslation();
  const { db, studentMode } = useApp();
  const rows = useLiveQuery(() => classProgress(db), [db]);
  const practised = rows?.filter((r) => r.attempts > 0).length ?? 0;
  const stuck = rows?.filter((r) => r.stuck.length > 0).length ?? 0;
  return (
    <main className="practice-screen">
      <div className="lesson-header">
        <button type="button" className="secondary" onClick={() => void studentMode.handOver()}>
          ← {t('content.back')}
        </button>
        <h1>{t('practice.teacherTitle')}</h1>
      </div>
      <p className="muted" data-testid="progress-summary">
        {t('practice.summary', { practised, total: rows?.length ?? 0, stuck })}
      </p>
      <table className="progress-table" data-testid="class-progress">
        <thead>
          <tr>
            <th>{t('practice.student')}</th>
            <th>{t('practice.answered')}</th>
            <th>{t('practice.masteredLessons')}</th>
            <th>{t('practice.stuck')}</th>
            <th>{t('practice.examResults')}</th>
            <th>{t('practice.code')}</th>
          </tr>
        </thead>
        <tbody>{rows?.map((r) => <ProgressRow key={r.student.id} row={r} />)}</tbody>
      </table>
    </main>
  );
}

function ProgressRow({ row }: { row: StudentProgress }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const [editing, setEditing] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = (value: string | null) =>
    setStudentCode(db, row.student.id, value).then(
      () => {
        setEditing(false);
        setCode('');
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  return (
    <tr data-testid="progress-row" data-student-id={row.student.id} className={row.attempts === 0 ? 'not-practised' : row.stuck.length > 0 ? 'stuck' : ''}>
      <td>
        {row.student.number}. {row.student.name}
      </td>
      <td>{row.attempts === 0 ? <span className="warn">{t('practice.noneYet')}</span> : `${row.correct}/${row.attempts}`}</td>
      <td>{row.mastered}</td>
      <td className="stuck-cell">{row.stuck.join('；') || '—'}</td>
      <td>{row.exams.map((e) => `${e.title} ${e.correct}/${e.total}`).join('；') || '—'}</td>
      <td>
        {editing ? (
          <span className="code-edit">
            <input inputMode="numeric" pattern="\d{4}" maxLength={4} value={code} aria-label={t('practice.codeHint')} onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} />
            <button type="button" className="primary" disabled={code.length !== 4} onClick={() => void save(code)}>
              {t('practice.save')}
            </button>
            <button type="button" className="secondary" onClick={() => void save(null)}>
              {t('practice.clear')}
            </button>
          </span>
        ) : (
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            {row.hasCode ? t('practice.codeSet') : t('practice.setCode')}
          </button>
        )}
        {error && <p className="error">{error}</p>}
      </td>
    </tr>
  );
}
