import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import type { NoteRow } from '../../db/app-db.ts';

/** The same note was edited on two devices: show both, never pick one silently; the teacher keeps one or merges. */
export function NoteConflict({ note }: { note: NoteRow }) {
  const { t } = useTranslation();
  const { session } = useApp();
  const theirs = note.conflicts;
  const [merged, setMerged] = useState([note.current.text, ...theirs.map((c) => c.text)].join('\n'));
  const save = (text: string) =>
    void session.records().saveNote({
      noteId: note.noteId,
      lessonId: note.lessonId,
      anchor: note.current.anchor,
      text,
      pause: note.current.pause,
      resolve: theirs.map((c) => c.hlc),
    });
  return (
    <div className="note-conflict" role="alert" data-testid="note-conflict">
      <strong>{t('records.conflict')}</strong>
      <div className="conflict-sides">
        <div>
          <div className="muted">{t('records.mine')}</div>
          <p>{note.current.text}</p>
          <button type="button" className="secondary small" onClick={() => save(note.current.text)}>
            {t('records.keepMine')}
          </button>
        </div>
        {theirs.map((c) => (
          <div key={c.hlc}>
            <div className="muted">{t('records.theirs')}</div>
            <p>{c.text}</p>
            <button type="button" className="secondary small" onClick={() => save(c.text)}>
              {t('records.keepTheirs')}
            </button>
          </div>
        ))}
      </div>
      <textarea rows={3} value={merged} onChange={(e) => setMerged(e.target.value)} aria-label={t('records.merge')} />
      <button type="button" className="primary small" onClick={() => save(merged)}>
        {t('records.saveMerge')}
      </button>
    </div>
  );
}
