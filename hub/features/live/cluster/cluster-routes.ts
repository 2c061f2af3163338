// The other hub nodes' live calls (cluster access group, HUB_CLUSTER_SECRET): pipes of the lessons whose origin is on
// this node (cross-node-pipe.ts). Without an SFU, or outside a cluster, they answer that there is nothing to pipe.
import type { FastifyInstance } from 'fastify';
import { HubError } from '../../../core/http/hub-error.ts';
import { parseOrBadRequest } from '../../../core/http/validate.ts';
import { PipeIdParams, PipeOpenRequest, PipeParams, PipeSyncRequest } from './cluster-protocol.ts';
import type { LiveSfu } from '../sfu/live-sfu.ts';

export function registerClusterRoutes(cluster: FastifyInstance, sfu: LiveSfu | null) {
  const pipes = () => {
    if (!sfu?.pipes) throw new HubError('not_found', 'this node pipes no live lessons (no SFU, or not in a cluster)');
    return sfu.pipes;
  };
  cluster.post('/v1/cluster/live/:id/pipes', async (request, reply) => {
    const { id } = parseOrBadRequest(PipeParams, request.params);
    const body = parseOrBadRequest(PipeOpenRequest, request.body);
    return reply.status(201).send(await pipes().open(id, body));
  });
  cluster.post('/v1/cluster/live/:id/pipes/:pipeId/sync', async (request) => {
    const { id, pipeId } = parseOrBadRequest(PipeIdParams, request.params);
    const upward = parseOrBadRequest(PipeSyncRequest, request.body ?? {});
    return pipes().sync(id, pipeId, upward);
  });
  cluster.delete('/v1/cluster/live/:id/pipes/:pipeId', async (request) => {
    const { id, pipeId } = parseOrBadRequest(PipeIdParams, request.params);
    return { closed: pipes().close(id, pipeId) };
  });
}
