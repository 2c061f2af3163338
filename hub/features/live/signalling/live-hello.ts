// A live socket's `hello` (county hub and school edge alike): the device token, checked by the loop's own device check
// (the county: authenticateDevice, through the one failure limiter; the edge: its device authoriser), then counted
// against the device's live sockets. From then on the socket may stay unjoined (the join deadline is met; the pings
// keep finding a lost one). The hello grants nothing: a join on the socket is authorised as on any other, and must be
// the same device's (a socket counted for one device cannot turn into another's, nor into the lead console's).
import { HubError } from '../../../core/http/hub-error.ts';
import type { DeviceLiveLimits } from './device-live-limits.ts';
import type { SocketDeadline } from '../../../core/sockets/socket-keepalive.ts';

export type LiveHello = {
  /** Answers a hello: `authenticate` checks the token and names the device. Throws a named refusal (the loop then
   *  closes the socket, as the sync socket does after a refused hello). */
  hello(authenticate: () => Promise<string>): Promise<Record<string, never>>;
  /**
   * The socket share of a join by `deviceId` (null: the lead console): the hello's own share if the socket said hello
   * as that device, a new one otherwise. What it returns gives a new share back; the hello's share is given back only
   * with the socket (`release`), so a refused join leaves a hello'd socket as it was.
   */
  claimForJoin(deviceId: string | null): () => void;
  /** A hello was accepted on this socket (a refused second hello leaves it open). */
  said(): boolean;
  release(): void;
};

export function liveHello(limits: DeviceLiveLimits, deadline: SocketDeadline): LiveHello {
  let held: { deviceId: string; giveBack: () => void } | null = null;
  return {
    async hello(authenticate) {
      if (held) throw new HubError('bad_request', 'hello was said already');
      deadline.answering();
      try {
        const deviceId = await authenticate();
        held = { deviceId, giveBack: limits.claimSocket(deviceId) };
      } catch (error) {
        deadline.refused();
        throw error;
      }
      deadline.greeted();
      return {};
    },
    claimForJoin(deviceId) {
      if (!held) return deviceId === null ? () => undefined : limits.claimSocket(deviceId);
      if (held.deviceId !== deviceId) throw new HubError('forbidden', 'this socket said hello as another device: join on a socket of your own');
      return () => undefined;
    },
    said: () => held !== null,
    release() {
      held?.giveBack();
    },
  };
}
