import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceIdentity } from '../../../shared/ipc.ts';
import { desktop } from '../../desktop/desktop.ts';
import { LiveController } from '../../live/live-controller.ts';
import { useLive } from '../../stores/live-store.ts';
import { navigate } from '../../stores/route-store.ts';
import { LiveControls } from './live-controls.tsx';
import { LiveDetails } from './live-details.tsx';
import { LiveOverlay } from './live-overlay.tsx';

/** Full-screen player for one live lesson: lead classroom video, audio, a large status overlay and the class's controls. */
export function LiveScreen({ lessonId, identity }: { lessonId: string; identity: DeviceIdentity }) {
  const { t } = useTranslation();
  const [controller, setController] = useState<LiveController | null>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const state = useLive();

  useEffect(() => {
    const c = new LiveController({
      hubUrl: identity.hubUrl,
      token: identity.token,
      lessonId,
      createWebSocket: (url) => new WebSocket(url),
      keepAwake: async (on) => void (await desktop().power.keepAwake({ on, reason: 'live lesson' })),
      viewportWidth: () => window.innerWidth,
    });
    c.start();
    setController(c);
    return () => void c.stop();
  }, [identity.hubUrl, identity.token, lessonId]);

  useEffect(() => {
    if (!controller) return;
    if (videoRef.current) videoRef.current.srcObject = controller.videoStream;
    if (audioRef.current) audioRef.current.srcObject = controller.audioStream;
  }, [controller]);

  // A track added to a playing stream does not always restart playback; nudge the elements whenever media changes.
  useEffect(() => {
    void videoRef.current?.play().catch(() => undefined);
    void audioRef.current?.play().catch(() => undefined);
  }, [state.phase, state.reconnects]);

  const audioOnly = state.forcedLowBandwidth || state.autoLowBandwidth;
  return (
    <main
      className="live-screen"
      data-testid="live-player"
      data-phase={state.phase}
      data-frames-decoded={state.stats.framesDecoded}
      data-fps={state.stats.fps}
      data-frame-width={state.stats.frameWidth}
      data-audio-packets={state.stats.audioPackets}
      data-protocol={state.stats.protocol ?? ''}
      data-nack-pct={state.stats.nackPct}
      data-loss-pct={state.stats.lossPct}
      data-spatial-layer={state.spatialLayer ?? ''}
      data-layer-cap={state.layerCap}
      data-reconnects={state.reconnects}
      data-has-played={state.hasPlayed}
    >
      <video ref={videoRef} className={audioOnly ? 'live-video hidden' : 'live-video'} autoPlay playsInline muted />
      <audio ref={audioRef} autoPlay />
      <header className="live-top">
        <button type="button" className="secondary" onClick={() => navigate({ screen: 'lesson', lessonId })}>
          ← {t('live.leave')}
        </button>
        <strong className="live-title">{state.lessonTitle}</strong>
        {state.phase === 'playing' && audioOnly && <span className="live-chip">{t('live.audioOnlyShort')}</span>}
        <LiveDetails state={state} />
      </header>
      <LiveOverlay state={state} />
      {controller && <LiveControls controller={controller} state={state} />}
    </main>
  );
}
