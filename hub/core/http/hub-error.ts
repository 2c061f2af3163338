// The hub's one error vocabulary, without HTTP in it: a protocol ErrorCode and a message (and, for rate limits, when
// to come back). Repositories return an expected "no" as a `Refused` outcome; anything may throw a HubError for a
// failure the caller cannot go on from. Only the HTTP layer (`error-status.ts`) knows which status a code is answered
// with; WebSocket frames carry the code alone.
import type { ErrorCode } from '../../../src/shared/protocol.ts';

export class HubError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Sent as `Retry-After` (seconds): when a rate-limited caller may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

/** A refusal a repository expects to give (unknown code, not in scope, already used): returned, not thrown. */
export type Refused = { ok: false; code: ErrorCode; message: string };
export type Outcome<T> = { ok: true; value: T } | Refused;

export const accepted = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refused = (code: ErrorCode, message: string): Refused => ({ ok: false, code, message });

/** Where the refusal cannot be handled (a route, a seed script): the value, or the refusal thrown as a HubError. */
export function valueOrThrow<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new HubError(outcome.code, outcome.message);
  return outcome.value;
}
