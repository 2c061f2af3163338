// The one code → HTTP status table: every protocol code has its status (the same ones the hub answered with when the
// status lived on the error), and the domain error itself carries none.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/shared/protocol.ts';
import { httpStatusOf } from './error-status.ts';
import { HubError, refused, valueOrThrow } from './hub-error.ts';

describe('httpStatusOf', () => {
  it.each([
    ['bad_request', 400],
    ['enrollment_code_invalid', 404],
    ['enrollment_code_expired', 410],
    ['enrollment_code_used', 409],
    ['unauthorized', 401],
    ['device_revoked', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['client_too_old', 426],
    ['hub_too_old', 400],
    ['payload_too_large', 413],
    ['rate_limited', 429],
    ['internal', 500],
    ['wrong_school', 403],
    ['upstream_unavailable', 502],
  ] as const)('%s → %i', (code, status) => expect(httpStatusOf(code)).toBe(status));

  it('covers every code of the protocol', () => {
    for (const code of ErrorCode.options) expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
  });
});

describe('HubError and outcomes', () => {
  it('carries a code and a message, no HTTP status', () => {
    const error = new HubError('forbidden', 'no');
    expect(Object.keys(error)).not.toContain('status');
    expect(() => valueOrThrow(refused('not_found', 'note'))).toThrow(expect.objectContaining({ code: 'not_found', message: 'note' }));
    expect(valueOrThrow({ ok: true, value: 3 })).toBe(3);
  });
});
