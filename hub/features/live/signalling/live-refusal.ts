// A live request refused with one of the live protocol's own codes (LiveErrorCode beyond the hub's ErrorCode): the
// signalling loops (county and edge) answer it by name like a HubError.
import type { LiveErrorCode } from '../../../../src/shared/live-protocol.ts';

export class LiveRefusal extends Error {
  constructor(
    readonly code: LiveErrorCode,
    message: string,
  ) {
    super(message);
  }
}
