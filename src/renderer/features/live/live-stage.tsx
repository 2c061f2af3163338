import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { pictureDevicePx } from '../../live/layer-for-box.ts';
import type { LiveController } from '../../live/live-controller.ts';
import type { LiveState } from '../../stores/live-store.ts';

/**
 * The pictures: with courseware on air it fills the screen and the teacher is an inset (or the other way round — one
 * tap on the inset swaps them); without courseware the camera fills it. Two fixed <video> elements that only change
 * places, so a swap is instant (no re-attach, no wait for the slides' next frame).
 */
export function LiveStage({ controller, state }: { controller: LiveController; state: LiveState }) {
  const { t } = useTranslation();
  const camera = useRef<HTMLVideoElement>(null);
  const courseware = useRef<HTMLVideoElement>(null);
  const audio = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    if (camera.current) camera.current.srcObject = controller.videoStream;
    if (courseware.current) courseware.current.srcObject = controller.coursewareStream;
    if (audio.current) audio.current.srcObject = controller.audioStream;
  }, [controller]);

  // Each video's layer follows the size its picture is drawn at, in device pixels (a swap, a resized window, a zoom).
  useEffect(() => {
    const measure = () => {
      const dpr = window.devicePixelRatio || 1;
      const size = (el: HTMLVideoElement | null, fit: 'contain' | 'cover') => {
        if (!el) return null;
        const aspect = el.videoWidth > 0 && el.videoHeight > 0 ? el.videoWidth / el.videoHeight : 16 / 9;
        return pictureDevicePx(el.getBoundingClientRect(), aspect, fit, dpr);
      };
      const fit = (el: HTMLVideoElement | null) => (el?.classList.contains('live-inset') ? 'cover' : 'contain');
      controller.setPictureSizes({ camera: size(camera.current, fit(camera.current)), courseware: size(courseware.current, fit(courseware.current)) });
    };
    const observer = new ResizeObserver(measure);
    for (const el of [camera.current, courseware.current]) if (el) observer.observe(el);
    return () => observer.disconnect();
  }, [controller]);

  // A track added to a playing stream does not always restart playback; nudge the elements whenever media changes.
  useEffect(() => {
    for (const el of [camera.current, courseware.current, audio.current]) void el?.play().catch(() => undefined);
  }, [state.phase, state.reconnects, state.sources.camera, state.sources.courseware]);

  const two = state.sources.courseware && state.sources.camera;
  const coursewareMain = state.sources.courseware && (state.main === 'courseware' || !state.sources.camera);
  const cameraShown = state.mode === 'full' && state.sources.camera;
  const coursewareShown = state.mode !== 'audio' && state.sources.courseware;
  const role = (isMain: boolean, shown: boolean) => `live-video ${isMain ? 'live-main' : 'live-inset'}${shown ? '' : ' hidden'}`;
  const insetProps = { role: 'button', tabIndex: 0, 'aria-label': t('live.swap'), onClick: () => void controller.swap(), onKeyDown: (e: React.KeyboardEvent) => e.key === 'Enter' && void controller.swap() };
  return (
    <div className="live-stage" data-testid="live-stage">
      <video ref={camera} className={role(!coursewareMain, cameraShown)} data-testid="live-camera" autoPlay playsInline muted {...(two && coursewareMain ? insetProps : {})} />
      <video ref={courseware} className={role(coursewareMain, coursewareShown)} data-testid="live-courseware" autoPlay playsInline muted {...(two && !coursewareMain && cameraShown ? insetProps : {})} />
      <audio ref={audio} autoPlay />
    </div>
  );
}
