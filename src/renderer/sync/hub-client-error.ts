// The hub client's one error vocabulary: every failed hub call, over HTTP or the sync socket, is a HubRequestError with
// a named reason, and some reasons are refusals no retry can fix.
import type { ErrorCode } from '../../shared/protocol.ts';

/** Why a hub request failed: the hub's named error code, or that it could not be reached or understood. */
export type HubFailureReason = ErrorCode | 'network' | 'invalid_response';

export class HubRequestError extends Error {
  constructor(
    readonly reason: HubFailureReason,
    message: string,
    readonly status = 0,
    /** The hub's Retry-After (429, 503), in ms: a retry sooner would only be refused again. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'HubRequestError';
  }
}

/** Refusals no retry can fix: the device must be enrolled again, or the app or the hub updated. */
const REFUSALS: ReadonlySet<HubFailureReason> = new Set(['device_revoked', 'unauthorized', 'client_too_old', 'hub_too_old']);
export const isRefusal = (error: unknown): error is HubRequestError => error instanceof HubRequestError && REFUSALS.has(error.reason);

