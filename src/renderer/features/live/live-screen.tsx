import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceIdentity } from '../../../shared/ipc.ts';
import { useApp } from '../../app/app-context.tsx';
import { useLive } from '../../stores/live-store.ts';
import { navigate } from '../../stores/route-store.ts';
import type { LiveController } from '../../live/live-controller.ts';
import { createLiveController } from './create-live-controller.ts';
import { LiveControls } from './live-controls.tsx';
import { LiveDetails } from './live-details.tsx';
import { LiveOverlay } from './live-overlay.tsx';
import { LiveQuiz } from './live-quiz.tsx';
import { LiveStage } from './live-stage.tsx';
import { takeWarmController } from './live-warmup.ts';

/** Full-screen player for one live lesson: courseware and teacher, audio, a large status overlay and the class's controls. */
export function LiveScreen({ lessonId, identity }: { lessonId: string; identity: DeviceIdentity }) {
  const { t } = useTranslation();
  const { db } = useApp();
  const [controller, setController] = useState<LiveController | null>(null);
  const state = useLive();

  useEffect(() => {
    // Prepared while the lesson page was open (live-warmup.ts): only the media is asked for now.
    const warm = takeWarmController(lessonId, identity.token);
    const c = warm ?? createLiveController({ identity, lessonId, db });
    if (warm) void warm.play();
    else c.start();
    setController(c);
    return () => void c.stop();
  }, [db, identity, lessonId]);

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
