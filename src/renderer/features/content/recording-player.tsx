import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContentFile } from '../../../shared/content-protocol.ts';
import { followVideo } from './follow-video.ts';
import { useStoredBlobUrl } from './use-stored-blob-url.ts';
import { VideoPlayer, type VideoPlayerProps } from './video-player.tsx';

/**
 * A recorded live lesson with courseware: the slides large and the teacher inset, as the live player shows them (one
 * tap swaps), in step on one timeline. The camera's player (it carries the sound) is the clock and has the controls,
 * resume position and 二次备课 pause points; the courseware follows it.
 */
export function RecordingPlayer({ camera, courseware, ...player }: { camera: ContentFile; courseware: ContentFile } & Omit<VideoPlayerProps, 'url' | 'onVideo'>) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const slides = useRef<HTMLVideoElement>(null);
  const cameraUrl = useStoredBlobUrl(camera.sha256, true);
  const coursewareUrl = useStoredBlobUrl(courseware.sha256, true);
  const [master, setMaster] = useState<HTMLVideoElement | null>(null);
  const [coursewareMain, setCoursewareMain] = useState(true);
  const onVideo = useCallback((el: HTMLVideoElement | null) => setMaster(el), []);

  useEffect(() => {
    const follower = slides.current;
    if (!master || !follower || !coursewareUrl) return;
    return followVideo(master, follower);
  }, [master, coursewareUrl]);

  if (!cameraUrl || !coursewareUrl) return <p className="muted">{t('content.notCached')}</p>;
  return (
    <div className={`recording-player ${coursewareMain ? 'courseware-main' : 'camera-main'}`} ref={box} data-testid="recording-player">
      <video ref={slides} className="recording-courseware" src={coursewareUrl} muted playsInline preload="auto" aria-label={t('content.coursewareLabel')} data-testid="recording-courseware" />
      <div className="recording-camera">
        <VideoPlayer url={cameraUrl} onVideo={onVideo} {...player} />
      </div>
      <div className="player-bar">
        <button type="button" className="secondary small" onClick={() => setCoursewareMain((m) => !m)}>
          {t('content.swapPictures')}
        </button>
        <button type="button" className="secondary small" onClick={() => void box.current?.requestFullscreen()}>
          {t('content.fullscreen')}
        </button>
      </div>
    </div>
  );
}
