import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LiveController } from '../../live/live-controller.ts';
import type { LiveState } from '../../stores/live-store.ts';

/** The class talks back: 举手, a typed question, and the teacher's own switch to audio only. */
export function LiveControls({ controller, state }: { controller: LiveController; state: LiveState }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [sent, setSent] = useState<'ok' | 'failed' | null>(null);
  const canTalk = state.phase === 'playing' || state.phase === 'waiting';

  const ask = (event: FormEvent) => {
    event.preventDefault();
    const question = text.trim();
    if (!question) return;
    controller.ask(question).then(
      () => {
        setText('');
        setSent('ok');
      },
      () => setSent('failed'),
    );
  };

  return (
    <footer className="live-controls">
      <button
        type="button"
        className={state.handRaised ? 'primary' : ''}
        aria-pressed={state.handRaised}
        disabled={!canTalk}
        onClick={() => void controller.raiseHand(!state.handRaised).catch(() => undefined)}
      >
        {state.handRaised ? t('live.handRaised') : t('live.raiseHand')}
      </button>
      <form className="live-question" onSubmit={ask}>
        <input aria-label={t('live.question')} placeholder={t('live.questionHint')} value={text} maxLength={500} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={!canTalk || text.trim() === ''}>
          {t('live.send')}
        </button>
        {sent && <span className="live-sent" role="status">{sent === 'ok' ? t('live.sent') : t('live.sendFailed')}</span>}
      </form>
      <button
        type="button"
        aria-pressed={state.cameraOn}
        disabled={!canTalk}
        onClick={() => void controller.setCamera(!state.cameraOn).catch(() => setSent('failed'))}
      >
        {state.cameraOn ? t('live.cameraOff') : t('live.cameraOn')}
      </button>
      <button type="button" aria-pressed={state.forcedLowBandwidth} onClick={() => void controller.setLowBandwidth(!state.forcedLowBandwidth)}>
        {state.forcedLowBandwidth ? t('live.videoBack') : t('live.forceLow')}
      </button>
    </footer>
  );
}
