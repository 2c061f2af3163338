// Which way the outbox goes up. A long outbox (a morning after a day offline) goes over the sync socket: one connection
// that never idles between batches drains at close to one TCP stream's rate on a 300 ms village link, where one HTTP
// request per batch pays a round trip and TCP's restart each time (push-socket.ts). A short one (a teacher's few
// marks) goes as one HTTP request, which starts sooner than a socket. A socket that cannot even open (an older hub, a
// proxy that does not pass WebSockets) while HTTP works is not tried again for a while; a socket lost mid-drain is
// just a failed sync, retried like any other.
import { PUSH_MAX_OPS } from '../../shared/protocol.ts';
import type { AppDb } from '../db/app-db.ts';
import { isRefusal, type HubClient } from './hub-client.ts';
import { defaultPushLimits, pushOutbox, type PushLimits, type PushOptions, type PushResult, type SyncLog } from './push-outbox.ts';

/** Pending ops from which a drain takes the socket: more than one HTTP request's first batch. */
export const SOCKET_MIN_OPS = 500;
/** How long a hub whose socket did not open (while its HTTP push worked) is pushed to over HTTP only. */
export const SOCKET_RETRY_MS = 10 * 60_000;
/** On one connection batches queue on the wire, not side by side: three keep it busy while the hub answers. */
export const socketPushLimits: PushLimits = { ...defaultPushLimits, maxOps: PUSH_MAX_OPS, inFlight: 3 };

export type DrainDeps = { db: AppDb; client: HubClient; now: () => Date; log: SyncLog };
export type DrainOutbox = (options: Omit<PushOptions, 'limits' | 'maxOps'>) => Promise<PushResult & { via: 'socket' | 'http' }>;

export function createOutboxDrain({ db, client, now, log }: DrainDeps): DrainOutbox {
  let socketUnusableUntil = 0;
  const overHttp = async (options: PushOptions) => ({ ...(await pushOutbox(db, (ops) => client.push(ops), { ...options, maxOps: () => client.pushMaxOps() })), via: 'http' as const });

  return async (options) => {
    const pending = await db.outbox.where('status').equals('pending').count();
    if (pending < SOCKET_MIN_OPS || now().getTime() < socketUnusableUntil) return overHttp(options);
    const socket = client.openPushSocket();
    try {
      return { ...(await pushOutbox(db, (ops) => socket.push(ops), { ...options, limits: socketPushLimits })), via: 'socket' };
    } catch (error) {
      if (socket.opened || isRefusal(error)) throw error;
      const result = await overHttp(options); // the link may just be down: then this fails too, and nothing is learned
      socketUnusableUntil = now().getTime() + SOCKET_RETRY_MS;
      log('warn', `sync socket did not open (${error instanceof Error ? error.message : String(error)}) while HTTP works: pushing over HTTP for ${SOCKET_RETRY_MS / 60_000} min`);
      return result;
    } finally {
      socket.close();
    }
  };
}
