// A failure with a protocol ErrorCode: the only kind of error a handler throws on purpose. The HTTP layer turns it into
// `{ error: { code, message } }` with the status below; anything else becomes `internal` and is logged.
import type { ErrorCode } from '../../../src/shared/protocol.ts';

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  enrollment_code_invalid: 404,
  enrollment_code_expired: 410,
  enrollment_code_used: 409,
  unauthorized: 401,
  device_revoked: 401,
  forbidden: 403,
  not_found: 404,
  client_too_old: 426,
  hub_too_old: 400,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  wrong_school: 403,
  upstream_unavailable: 502,
};

export class HubError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Sent as `Retry-After` (seconds): when a rate-limited caller may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'HubError';
    this.status = statusOf[code];
  }
}
