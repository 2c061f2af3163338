import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { LiveController } from '../../live/live-controller.ts';
import type { LiveState } from '../../stores/live-store.ts';
import { commandFailureText } from './command-failure.ts';

/** The class talks back: 举手, a typed question, its own camera, the teacher's 低带宽模式, and swapping the pictures. */
export function LiveControls({ controller, state }: { controller: LiveController; state: LiveState }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [sent, setSent] = useState(false);
  const canTalk = state.phase === 'playing' || state.phase === 'waiting';

  const ask = (event: FormEvent) => {
    event.preventDefault();
    const question = text.trim();
    if (!question) return;
    setSent(false);
    void controller.ask(question).then((ok) => {
      if (!ok) return; // the controller shows which command failed and why
      setText('');
      setSent(true);
    });
  };

  return (
    <footer className="live-controls">
      <button
        type="button"
        className={state.handRaised ? 'primary' : ''}
        aria-pressed={state.handRaised}
        disabled={!canTalk}
        onClick={() => void controller.raiseHand(!state.handRaised)}
      >
        {state.handRaised ? t('live.handRaised') : t('live.raiseHand')}
      </button>
      <form className="live-question" onSubmit={ask}>
        <input aria-label={t('live.question')} placeholder={t('live.questionHint')} value={text} maxLength={500} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={!canTalk || text.trim() === ''}>
          {t('live.send')}
        </button>
        {sent && !state.commandError && (
          <span className="live-sent" role="status">
            {t('live.sent')}
          </span>
        )}
      </form>
      <button
        type="button"
        aria-pressed={state.cameraOn}
        disabled={!canTalk}
        onClick={() => void controller.setCamera(!state.cameraOn)}
      >
        {state.cameraOn ? t('live.cameraOff') : t('live.cameraOn')}
      </button>
      <button type="button" aria-pressed={state.forcedLowBandwidth} onClick={() => void controller.setLowBandwidth(!state.forcedLowBandwidth)}>
        {state.forcedLowBandwidth ? t('live.videoBack') : t('live.forceLow')}
      </button>
      {state.sources.courseware && state.sources.camera && state.mode === 'full' && (
        <button type="button" onClick={() => void controller.swap()}>
          {t('live.swap')}
        </button>
      )}
      {state.commandError && (
        <p className="live-failed" role="alert" data-testid="live-command-error" data-command={state.commandError.command}>
          {commandFailureText(t, state.commandError)}
        </p>
      )}
    </footer>
  );
}
