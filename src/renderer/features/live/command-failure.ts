// A failed player command in words: which command (a camera that would not open is not "question not sent") and why.
import type { TFunction } from 'i18next';
import type { LiveState } from '../../stores/live-store.ts';

const HUB_CODES = new Set(['bad_request', 'unauthorized', 'device_revoked', 'forbidden', 'not_found', 'internal', 'payload_too_large']);
const LIVE_CODES = new Set(['timeout', 'closed', 'not_joined', 'malformed', 'NotAllowedError', 'NotFoundError', 'NotReadableError', 'storage', 'edge_no_return_video']);

export function commandFailureText(t: TFunction, failure: NonNullable<LiveState['commandError']>): string {
  const reason = LIVE_CODES.has(failure.code)
    ? t(`live.failReasons.${failure.code}`)
    : HUB_CODES.has(failure.code)
      ? t(`errors.${failure.code}`, { detail: failure.message })
      : t('live.failReasons.other', { code: failure.code });
  return t(`live.failed.${failure.command}`, { reason });
}
