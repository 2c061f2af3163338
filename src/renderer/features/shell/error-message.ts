// Turns any failure into the plain zh-CN (or English) sentence a teacher or IT person can act on.
import type { TFunction } from 'i18next';
import { HubPinRefused } from '../../app/hub-pin.ts';
import { HubRequestError } from '../../sync/hub-client.ts';

export function errorMessage(t: TFunction, error: unknown): string {
  if (error instanceof HubPinRefused) {
    return t(`errors.pin.${error.reason}`, { presented: error.presented ?? '', detail: error.message });
  }
  if (error instanceof HubRequestError) {
    return t(`errors.${error.reason}`, { detail: error.message });
  }
  return t('errors.internal');
}
