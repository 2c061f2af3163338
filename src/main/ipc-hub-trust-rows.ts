// Malformed-payload rows for the hub-certificate channels, split from ipc-dispatch.test.ts like ipc-shell-rows.ts.
import { huge, notUndefined, type Row } from './ipc-shell-rows.ts';
import type { HubTrustChannel } from './hub-trust-handlers.ts';

const pin = { hubUrl: 'https://hub.county.local:8787', fingerprint: 'AB:'.repeat(31) + 'AB' };

export const hubTrustRows: Record<HubTrustChannel, Row> = {
  'hub:pinCertificate': {
    valid: pin,
    invalid: [
      ['undefined', undefined],
      ['empty object', {}],
      ['plain http (nothing to pin)', { ...pin, hubUrl: 'http://hub.county.local:8787' }],
      ['javascript: url', { ...pin, hubUrl: 'javascript:alert(1)' }],
      ['not a url', { ...pin, hubUrl: 'hub' }],
      ['url huge', { ...pin, hubUrl: `https://${'a'.repeat(600)}.cn` }],
      ['fingerprint missing', { hubUrl: pin.hubUrl }],
      ['fingerprint empty', { ...pin, fingerprint: '' }],
      ['fingerprint huge', { ...pin, fingerprint: huge }],
      ['fingerprint as number', { ...pin, fingerprint: 1234 }],
    ],
  },
  'hub:certStatus': { valid: undefined, invalid: notUndefined },
};
