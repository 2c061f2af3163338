import { useTranslation } from 'react-i18next';
import type { NoteFeedback } from '../../../shared/protocol.ts';
import { anchorLabel } from './note-anchor.ts';

/** 联合教研 on one of this classroom's notes: the lead teacher's replies and 优秀做法 marks, under the note. */
export function NoteFeedbackList({ items }: { items: NoteFeedback[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <ul className="note-feedback">
      {items.map((f) => (
        <li key={f.id} className={`feedback feedback-${f.kind}`} data-testid="note-feedback">
          {f.kind === 'good' ? t('records.feedbackGood', { author: f.author }) : t('records.feedbackReply', { author: f.author, text: f.text })}
          {f.kind === 'good' && f.text && <span>：{f.text}</span>}
        </li>
      ))}
    </ul>
  );
}

/** 优秀做法 from other classes of the lesson: the shared note itself travels with the mark (this PC never held it). */
export function GoodPractice({ items }: { items: NoteFeedback[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return null;
  return (
    <section className="good-practice" data-testid="good-practice">
      <h3>{t('records.goodPractice')}</h3>
      <ul className="note-list">
        {items.map((f) => (
          <li key={f.id} className="note">
            <div className="note-anchor">
              {anchorLabel(f.note.anchor, t)} · {t('records.goodFrom', { school: f.note.school, classroom: f.note.classroom })}
              {f.note.pause && <span className="tag tag-next">{t('records.pausePoint')}</span>}
            </div>
            <div className="note-text">{f.note.text}</div>
            <NoteFeedbackList items={[f]} />
          </li>
        ))}
      </ul>
    </section>
  );
}
