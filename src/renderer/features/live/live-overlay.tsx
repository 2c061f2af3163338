import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../../app/app-context.tsx';
import { lessonContent } from '../../db/content-repo.ts';
import type { LiveState } from '../../stores/live-store.ts';
import { navigate } from '../../stores/route-store.ts';
import { interruptedSince, outageNotice } from './outage-notice.ts';

/** Ticks once a second while something is interrupted, so the elapsed seconds count on screen. */
function useNowWhile(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** The lesson's recording is wholly on this PC: 改看录播 then plays from disk, whatever the link does. */
function useRecordingCached(lessonId: string | null): boolean {
  const { db } = useApp();
  return (
    useLiveQuery(async () => {
      if (!lessonId) return false;
      const content = await lessonContent(db, lessonId);
      return content.some(({ pack, files }) => pack.kind === 'recording' && files.every(({ row }) => row?.state === 'complete'));
    }, [db, lessonId]) ?? false
  );
}

/** The big zh-CN status line over the picture: what is happening, in words a teacher reads from the back of the room. */
export function LiveOverlay({ state }: { state: LiveState }) {
  const { t } = useTranslation();
  const now = useNowWhile(interruptedSince(state) !== null);
  const notice = outageNotice(state, now, useRecordingCached(state.lessonId));
  let text: string | null = null;
  let detail: string | null = null;
  switch (state.phase) {
    case 'connecting':
      text = t('live.connecting');
      break;
    case 'reconnecting':
      text = t('live.reconnecting');
      detail = t('live.reconnectingDetail');
      break;
    case 'waiting':
      // The lead classroom is not on air: not the hub's fault, nor the classroom's.
      if (state.lessonEnded) {
        text = t('live.ended');
        detail = t('live.endedDetail');
        break;
      }
      text = state.hasPlayed ? t('live.paused') : t('live.waiting');
      detail = state.hasPlayed ? t('live.pausedDetail') : t('live.waitingDetail');
      break;
    case 'refused':
      text = t('live.refused');
      detail = state.error ? t(`live.reasons.${reasonKey(state.error.code)}`) : null;
      break;
    case 'playing':
      if (state.stalledSince !== null) {
        text = t('live.stalled');
        detail = t('live.reconnectingDetail');
        break;
      }
      if (state.mode === 'slides') {
        // The slides stay visible: a line at the bottom (a slide's title is at the top), not a box over them.
        return (
          <div className="live-banner" role="status" data-testid="live-status">
            <strong>{t('live.slidesMode')}</strong> {state.forcedLowBandwidth ? t('live.slidesForced') : t('live.slidesAuto')}
          </div>
        );
      }
      if (state.mode === 'audio') {
        text = t('live.lowBandwidth');
        detail = state.forcedLowBandwidth ? t('live.lowBandwidthForced') : t('live.lowBandwidthAuto');
      }
      break;
    case 'stopped':
      break;
  }
  if (!text) return null;
  return (
    <div className={`live-overlay live-overlay-${state.phase}`} role="status" data-testid="live-status">
      <div className="live-overlay-text">{text}</div>
      {detail && <div className="live-overlay-detail">{detail}</div>}
      {notice.seconds !== null && (
        <div className="live-overlay-detail" data-testid="live-outage-seconds">
          {t('live.outageFor', { seconds: notice.seconds })}
        </div>
      )}
      {notice.offerRecording && (
        <div className="live-overlay-detail">
          {t('live.longOutage')}{' '}
          <button
            type="button"
            className="primary"
            onClick={() => navigate({ screen: 'content', lessonId: state.lessonId ?? '', kind: 'recording', back: 'lesson', ...(state.stoppedAt !== null ? { startAt: state.stoppedAt } : {}) })}
          >
            {t('live.openRecording')}
          </button>
        </div>
      )}
    </div>
  );
}

const known = ['forbidden', 'unauthorized', 'device_revoked', 'not_found', 'live_unavailable'] as const;
function reasonKey(code: string): (typeof known)[number] | 'other' {
  return (known as readonly string[]).includes(code) ? (code as (typeof known)[number]) : 'other';
}
