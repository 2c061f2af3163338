// The one table from the hub's error codes to HTTP statuses, used by every HTTP error handler (the county hub's
// create-hub.ts, the school edge's edge-app.ts). Repositories and WebSocket frames speak codes only.
import type { FastifyReply } from 'fastify';
import type { ErrorCode, ErrorResponse } from '../../../src/shared/protocol.ts';
import type { HubError } from './hub-error.ts';

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

export const httpStatusOf = (code: ErrorCode): number => statusOf[code];

/** `{ error: { code, message } }` with the code's status (and `Retry-After` when the error says when to come back). */
export function sendHubError(reply: FastifyReply, error: HubError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  const body: ErrorResponse = { error: { code: error.code, message: error.message.slice(0, 2000) } };
  return reply.status(statusOf[error.code]).send(body);
}
