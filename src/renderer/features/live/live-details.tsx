import { useTranslation } from 'react-i18next';
import type { LiveState } from '../../stores/live-store.ts';

/** Technical figures for school IT (read out over the phone), folded away: the class sees the picture, not numbers. */
export function LiveDetails({ state }: { state: LiveState }) {
  const { t } = useTranslation();
  const { stats } = state;
  const picture =
    stats.frameWidth > 0
      ? t('live.detailsPicture', { width: stats.frameWidth, height: stats.frameHeight, fps: stats.fps, layer: (state.spatialLayer ?? 0) + 1, layers: state.spatialLayers })
      : t('live.detailsNoPicture');
  return (
    <details className="live-details" data-testid="live-details">
      <summary>{t('live.details')}</summary>
      <div className="live-details-body" aria-label={t('live.detailsTitle')}>
        <div>{picture}</div>
        {state.sources.courseware && (
          <div>{t('live.detailsCourseware', { width: state.courseware.frameWidth, height: state.courseware.frameHeight, fps: state.courseware.fps })}</div>
        )}
        <div>{t('live.detailsLink', { protocol: stats.protocol ? stats.protocol.toUpperCase() : '—', kbps: stats.videoKbps, reconnects: state.reconnects })}</div>
        <div>{t('live.detailsTotal', { total: state.totalKbps, available: state.availableKbps ?? '—' })}</div>
      </div>
    </details>
  );
}
