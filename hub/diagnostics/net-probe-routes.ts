// GET /v1/net/probe?bytes=N: N incompressible bytes for the IT page's throughput test. Device-authorised so the hub
// cannot be used as a free bandwidth sink by anyone on the network; never cached by proxies.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { NET_PROBE_PATH, NetProbeQuery, MAX_PROBE_BYTES } from '../../src/shared/update-protocol.ts';
import { requireDevice } from '../http/auth.ts';
import type { HubContext } from '../http/hub-context.ts';
import { parseOrBadRequest } from '../http/validate.ts';

export function registerNetProbeRoutes(app: FastifyInstance, ctx: HubContext) {
  // Random once: compression on the way (a proxy, a VPN) must not make the link look faster than it is.
  const pool = randomBytes(MAX_PROBE_BYTES);
  app.get(NET_PROBE_PATH, async (request, reply) => {
    requireDevice(ctx.db, request, ctx.now());
    const { bytes } = parseOrBadRequest(NetProbeQuery, request.query);
    return reply.type('application/octet-stream').header('cache-control', 'no-store').header('content-length', bytes).send(pool.subarray(0, bytes));
  });
}
