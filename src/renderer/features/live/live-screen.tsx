import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceIdentity } from '../../../shared/ipc.ts';
import { useApp } from '../../app/app-context.tsx';
import { contentCommands } from '../../app/content-controller.ts';
import { noteLiveStopped, storePushedQuestion } from '../../db/live-repo.ts';
import { desktop } from '../../desktop/desktop.ts';
import { LiveController } from '../../live/live-controller.ts';
import { cachedRouterCaps } from '../../live/router-caps.ts';
import { useLive } from '../../stores/live-store.ts';
import { navigate } from '../../stores/route-store.ts';
import { LiveControls } from './live-controls.tsx';
import { LiveDetails } from './live-details.tsx';
import { LiveOverlay } from './live-overlay.tsx';
import { LiveQuiz } from './live-quiz.tsx';
import { LiveStage } from './live-stage.tsx';

/** Full-screen player for one live lesson: courseware and teacher, audio, a large status overlay and the class's controls. */
export function LiveScreen({ lessonId, identity }: { lessonId: string; identity: DeviceIdentity }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const [controller, setController] = useState<LiveController | null>(null);
  const state = useLive();

  useEffect(() => {
    const log = (level: 'info' | 'warn' | 'error', message: string) => void desktop().log.write({ level, message: message.slice(0, 2000) }).catch(() => undefined);
    const c = new LiveController({
      hubUrl: identity.hubUrl,
      token: identity.token,
      lessonId,
      createWebSocket: (url) => new WebSocket(url),
      keepAwake: async (on) => void (await desktop().power.keepAwake({ on, reason: 'live lesson' })),
      viewportWidth: () => window.innerWidth,
      routerCaps: () => cachedRouterCaps(identity.hubUrl),
      onQuizPush: (push) => storePushedQuestion(db, push),
      onRecordingReady: () => void contentCommands.refresh(),
      onStopped: (at) => void noteLiveStopped(db, lessonId, at).catch((e: unknown) => log('warn', `live stop time not saved: ${String(e)}`)),
      log,
    });
    c.start();
    setController(c);
    return () => void c.stop();
  }, [db, identity.hubUrl, identity.token, lessonId]);

  return (
    <main
      className="live-screen"
      data-testid="live-player"
      data-phase={state.phase}
      data-mode={state.mode}
      data-main={state.sources.courseware ? state.main : 'camera'}
      data-sources={[state.sources.camera && 'camera', state.sources.courseware && 'courseware'].filter(Boolean).join(' ')}
      data-frames-decoded={state.stats.framesDecoded}
      data-fps={state.stats.fps}
      data-frame-width={state.stats.frameWidth}
      data-audio-packets={state.stats.audioPackets}
      data-courseware-frames={state.courseware.framesDecoded}
      data-courseware-fps={state.courseware.fps}
      data-courseware-width={state.courseware.frameWidth}
      data-total-kbps={state.totalKbps}
      data-available-kbps={state.availableKbps ?? ''}
      data-protocol={state.stats.protocol ?? ''}
      data-nack-pct={state.stats.nackPct}
      data-loss-pct={state.stats.lossPct}
      data-spatial-layer={state.spatialLayer ?? ''}
      data-layer-cap={state.layerCap}
      data-reconnects={state.reconnects}
      data-has-played={state.hasPlayed}
    >
      {controller && <LiveStage controller={controller} state={state} />}
      <header className="live-top">
        <button type="button" className="secondary" onClick={() => navigate({ screen: 'lesson', lessonId })}>
          ← {t('live.leave')}
        </button>
        <strong className="live-title">{state.lessonTitle}</strong>
        {state.phase === 'playing' && state.mode !== 'full' && (
          <span className="live-chip" data-testid="live-mode-chip">
            {state.mode === 'audio' ? t('live.audioOnlyShort') : t('live.slidesShort')}
          </span>
        )}
        <LiveDetails state={state} />
      </header>
      <LiveOverlay state={state} />
      {controller && <LiveControls controller={controller} state={state} />}
      {state.quizPush && <LiveQuiz push={state.quizPush} lessonId={lessonId} />}
    </main>
  );
}
