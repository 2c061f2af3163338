import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { getPlayback, savePlayback } from '../../db/content-repo.ts';
import { startRecordedPlayback } from '../../stores/playback-store.ts';
import { clock } from './format.ts';
import { crossedPausePoint } from './pause-points.ts';
import { trackPlayback } from './track-playback.ts';

export type VideoPlayerProps = {
  url: string;
  /** Where to remember the position (per lesson and file), so playback and review resume there. */
  resumeKey: string;
  /** Seconds at which playback pauses by itself (二次备课 notes feed these). */
  pausePoints?: readonly number[];
  onPausePoint?: (seconds: number) => void;
  /** Start here (seconds) instead of the remembered position: `force` (改看录播 from the live player) or only when
   *  nothing is remembered yet (where this classroom's live stream stopped). */
  startAt?: { seconds: number; force: boolean };
  /** The <video> element, for a player that keeps another video in step with it (recording-player.tsx). */
  onVideo?: (el: HTMLVideoElement | null) => void;
};

/** Plays a cached file (object URL of the IndexedDB Blob): seeking, full screen, resume position, pause points. */
export function VideoPlayer({ url, resumeKey, pausePoints = [], onPausePoint, startAt, onVideo }: VideoPlayerProps) {
  const { t } = useTranslation();
  const { db } = useApp();
  const box = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const last = useRef({ time: 0, savedAt: 0 });
  const [message, setMessage] = useState<string | null>(null);

  // A recording playing is a lesson: the display stays awake and no update installs (shell services tell main).
  useEffect(() => {
    const el = video.current;
    return el ? trackPlayback(el, startRecordedPlayback) : undefined;
  }, []);

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    const save = () => {
      if (!Number.isFinite(el.duration)) return;
      void savePlayback(db, { key: resumeKey, position: el.currentTime, duration: el.duration, updatedAt: Date.now() });
    };
    const onMeta = () => {
      void getPlayback(db, resumeKey).then((row) => {
        const remembered = row && row.position > 1 && row.position < el.duration - 2 ? row.position : null;
        if (startAt && startAt.seconds > 0 && (startAt.force || remembered === null)) {
          el.currentTime = Math.min(startAt.seconds, Math.max(0, el.duration - 1));
          setMessage(t('content.fromLiveStop', { time: clock(startAt.seconds) }));
        } else if (remembered !== null) {
          el.currentTime = remembered;
          setMessage(t('content.resumeFrom', { time: clock(remembered) }));
        }
      });
    };
    const onTime = () => {
      const hit = crossedPausePoint(last.current.time, el.currentTime, pausePoints);
      last.current.time = el.currentTime;
      if (hit !== null) {
        el.pause();
        setMessage(t('content.pausedAt', { time: clock(hit) }));
        onPausePoint?.(hit);
      }
      if (Date.now() - last.current.savedAt > 3000) {
        last.current.savedAt = Date.now();
        save();
      }
    };
    el.addEventListener('loadedmetadata', onMeta);
    el.addEventListener('timeupdate', onTime);
    el.addEventListener('pause', save);
    el.addEventListener('seeked', save);
    return () => {
      save();
      el.removeEventListener('loadedmetadata', onMeta);
      el.removeEventListener('timeupdate', onTime);
      el.removeEventListener('pause', save);
      el.removeEventListener('seeked', save);
    };
  }, [db, resumeKey, pausePoints, onPausePoint, t, startAt]);

  useEffect(() => {
    onVideo?.(video.current);
    return () => onVideo?.(null);
  }, [onVideo]);

  return (
    <div className="video-player" ref={box}>
      <video ref={video} src={url} controls playsInline preload="auto" data-testid="video" data-pause-points={pausePoints.join(' ')} />
      <div className="player-bar">
        {message && <span className="muted" role="status">{message}</span>}
        <button type="button" className="secondary small" onClick={() => void box.current?.requestFullscreen()}>
          {t('content.fullscreen')}
        </button>
      </div>
    </div>
  );
}
