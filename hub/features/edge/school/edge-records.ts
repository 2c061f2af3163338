// Records through the edge: pull and push are forwarded to the county hub byte for byte (gzip and all), with the
// classroom's own token. Exactly-once stays where it is — the county hub's op ids — and the classroom keeps each op
// until the county acknowledged it, so an edge that dies mid-push loses nothing: the classroom sends it again.
import type { FastifyInstance } from 'fastify';
import { HubPaths } from '../../../../src/shared/protocol.ts';
import { callerOf } from './edge-guards.ts';
import type { Upstream } from './upstream.ts';

type Deps = {
  upstream: Upstream;
};

export function registerEdgeRecordRoutes(app: FastifyInstance, deps: Deps) {
  // The push body stays as the classroom sent it (compressed): the edge never parses or re-encodes records.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const relay = async (response: Response) => ({ status: response.status, type: response.headers.get('content-type') ?? 'application/json', body: Buffer.from(await response.arrayBuffer()) });

  app.get(HubPaths.pull, async (request, reply) => {
    const { token } = callerOf(request);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const answer = await relay(await deps.upstream.send(`${HubPaths.pull}${query}`, { token }));
    return reply.status(answer.status).type(answer.type).send(answer.body);
  });

  app.post(HubPaths.push, async (request, reply) => {
    const { token } = callerOf(request);
    const headers: Record<string, string> = { 'content-type': request.headers['content-type'] ?? 'application/json' };
    const encoding = request.headers['content-encoding'];
    if (typeof encoding === 'string') headers['content-encoding'] = encoding;
    const body = new Uint8Array(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
    const answer = await relay(await deps.upstream.send(HubPaths.push, { method: 'POST', token, headers, body }));
    return reply.status(answer.status).type(answer.type).send(answer.body);
  });
}
