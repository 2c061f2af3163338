import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lesson, NoteAnchor } from '../../../shared/protocol.ts';
import { useApp } from '../../app/app-context.tsx';
import type { NoteRow } from '../../db/app-db.ts';
import { NoteConflict } from './note-conflict.tsx';
import { GoodPractice, NoteFeedbackList } from './note-feedback.tsx';
import { anchorLabel, parseAnchor, type AnchorKind } from './note-anchor.ts';

/** 二次备课: the local teacher's notes on the lead plan, anchored to a section, a pack page or a video time. */
export function NotesPanel({ lesson }: { lesson: Lesson }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const notes = useLiveQuery(() => db.notes.where('lessonId').equals(lesson.id).toArray(), [db, lesson.id]);
  const feedback = useLiveQuery(() => db.noteFeedback.where('lessonId').equals(lesson.id).sortBy('createdAt'), [db, lesson.id]);
  const [editing, setEditing] = useState<NoteRow | 'new' | null>(null);
  if (!notes) return null;
  const ours = new Set(notes.map((n) => n.noteId));
  const visible = notes.filter((n) => !n.current.deleted || n.conflicts.length > 0).sort((a, b) => anchorOrder(a.current.anchor) - anchorOrder(b.current.anchor));
  return (
    <div className="notes">
      <button type="button" className="primary" onClick={() => setEditing('new')}>
        + {t('records.addNote')}
      </button>
      {editing && <NoteEditor lessonId={lesson.id} note={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      {visible.length === 0 && !editing && <p className="empty">{t('records.noNotes')}</p>}
      <ul className="note-list">
        {visible.map((note) => (
          <li key={note.noteId} className="note" data-testid="note">
            <div className="note-anchor">
              {anchorLabel(note.current.anchor, t)} {note.current.pause && <span className="tag tag-next">{t('records.pausePoint')}</span>}
            </div>
            <div className="note-text">{note.current.deleted ? <em className="muted">{t('records.deleted')}</em> : note.current.text}</div>
            <NoteFeedbackList items={(feedback ?? []).filter((f) => f.noteId === note.noteId)} />
            {note.conflicts.length > 0 ? (
              <NoteConflict note={note} />
            ) : (
              <button type="button" className="secondary small" onClick={() => setEditing(note)}>
                {t('records.edit')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <GoodPractice items={(feedback ?? []).filter((f) => f.kind === 'good' && !ours.has(f.noteId))} />
    </div>
  );
}

const anchorOrder = (a: NoteAnchor) => (a.kind === 'time' ? a.seconds : a.kind === 'page' ? 100_000 + a.page : 200_000);

function NoteEditor({ lessonId, note, onDone }: { lessonId: string; note: NoteRow | null; onDone: () => void }) {
  const { t } = useTranslation();
  const { session } = useApp();
  const start = note?.current.anchor ?? { kind: 'time', seconds: 0 };
  const [kind, setKind] = useState<AnchorKind>(start.kind);
  const [where, setWhere] = useState(start.kind === 'time' ? `${Math.floor(start.seconds / 60)}:${String(Math.floor(start.seconds % 60)).padStart(2, '0')}` : start.kind === 'page' ? String(start.page) : start.section);
  const [text, setText] = useState(note?.current.text ?? '');
  const [pause, setPause] = useState(note?.current.pause ?? true);
  const anchor = parseAnchor(kind, where);
  const save = (deleted: boolean) => {
    if (!anchor) return;
    void session
      .records()
      .saveNote({ ...(note ? { noteId: note.noteId } : {}), lessonId, anchor, text, pause: kind === 'time' && pause, deleted })
      .then(onDone);
  };
  return (
    <form className="note-editor" onSubmit={(e) => (e.preventDefault(), save(false))}>
      <div className="choice-row">
        {(['time', 'section', 'page'] as const).map((k) => (
          <button key={k} type="button" role="radio" aria-checked={kind === k} className={`choice ${kind === k ? 'selected' : ''}`} onClick={() => setKind(k)}>
            {t(`records.anchor.${k}`)}
          </button>
        ))}
      </div>
      <label>
        {t(`records.anchorInput.${kind}`)}
        <input value={where} onChange={(e) => setWhere(e.target.value)} aria-invalid={!anchor} />
      </label>
      <label>
        {t('records.noteText')}
        <textarea rows={3} value={text} maxLength={5000} onChange={(e) => setText(e.target.value)} />
      </label>
      {kind === 'time' && (
        <label className="checkbox">
          <input type="checkbox" checked={pause} onChange={(e) => setPause(e.target.checked)} /> {t('records.pauseHere')}
        </label>
      )}
      <div className="choice-row">
        <button type="submit" className="primary" disabled={!anchor || text.trim() === ''}>
          {t('records.save')}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t('records.cancel')}
        </button>
        {note && (
          <button type="button" className="secondary" onClick={() => save(true)}>
            {t('records.delete')}
          </button>
        )}
      </div>
    </form>
  );
}
