// GET /v1/net/probe?bytes=N: N incompressible bytes for the IT page's throughput test. In the device group so the hub
// cannot be used as a free bandwidth sink by anyone on the network; never cached by proxies.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { NET_PROBE_PATH, NetProbeQuery, MAX_PROBE_BYTES } from '../../../src/shared/update-protocol.ts';
import { parseOrBadRequest } from '../../core/http/validate.ts';

export function registerNetProbeRoutes(device: FastifyInstance) {
  // Random once: compression on the way (a proxy, a VPN) must not make the link look faster than it is.
  const pool = randomBytes(MAX_PROBE_BYTES);
  device.get(NET_PROBE_PATH, async (request, reply) => {
    const { bytes } = parseOrBadRequest(NetProbeQuery, request.query);
    return reply.type('application/octet-stream').header('cache-control', 'no-store').header('content-length', bytes).send(pool.subarray(0, bytes));
  });
}
