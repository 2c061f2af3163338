// Live lessons on the hub: the signalling socket, the console page, status and codecs (public group), and the
// broadcaster's ingest API, 下课 and the recording's state (admin group, under /v1/admin/). Without an SFU all of them
// answer that live is unavailable, and why.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IngestRequest, livePaths, type CapabilitiesResponse, type IngestResponse, type IngestStatus } from '../../../../src/shared/live-protocol.ts';
import { Id } from '../../../../src/shared/protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import type { HubContext } from '../../../core/http/hub-context.ts';
import { parseOrBadRequest } from '../../../core/http/validate.ts';
import { registerConsoleRoutes } from './console-routes.ts';
import type { LessonRecorder } from '../recording/lesson-recorder.ts';
import { relayQuizResults } from './quiz-results-relay.ts';
import { attachLiveSignalling, type LiveSocketOptions } from './live-signalling.ts';
import type { LiveSfu } from '../sfu/live-sfu.ts';
import { registerRecordingRoutes } from '../recording/recording-routes.ts';
import { forwardRequest, wasForwarded } from '../cluster/origin-forward.ts';

const LessonParams = z.object({ id: Id });

export type LiveOptions = { sfu: LiveSfu | null; unavailable: string; recorder?: LessonRecorder | null; socket?: LiveSocketOptions };

const requireSfu = ({ sfu, unavailable }: LiveOptions) => {
  if (!sfu) throw new HubError('not_found', `live lessons are unavailable on this hub: ${unavailable}`);
  return sfu;
};

/** The WebSocket lives on the HTTP server itself; each join frame carries and is checked for its own credential. */
export function attachLiveSocket(app: FastifyInstance, ctx: HubContext, { sfu, unavailable, socket }: LiveOptions) {
  const signalling = attachLiveSignalling(app.server, ctx, sfu, unavailable, socket);
  // 答题器: answers arriving by sync push reach the lesson's consoles.
  const stopRelay = relayQuizResults(ctx.events, ctx.db, sfu, (error) => app.log.error({ err: error }, 'quiz results not recounted'));
  // preClose, not onClose: the HTTP server's close waits for every socket, upgraded ones included, so open WebSockets
  // must be closed first or a graceful stop never finishes while a classroom is connected.
  app.addHook('preClose', async () => {
    stopRelay();
    await signalling.close();
  });
}

export function registerLivePublicRoutes(app: FastifyInstance, live: LiveOptions) {
  registerConsoleRoutes(app);
  app.get('/v1/live/status', async () => ({ available: Boolean(live.sfu), reason: live.sfu ? null : live.unavailable }));
  // The same for every lesson on this hub and secret to no one: classrooms fetch it before a lesson to join faster.
  app.get(livePaths.capabilities, async () => {
    const body: CapabilitiesResponse = { routerRtpCapabilities: { ...requireSfu(live).routerRtpCapabilities } };
    return body;
  });
}

export function registerLiveAdminRoutes(admin: FastifyInstance, ctx: HubContext, live: LiveOptions) {
  const liveLesson = async (id: string) => {
    const row = await ctx.db.get<{ mode: string }>(`SELECT mode FROM lessons WHERE id = ?`, [id]);
    if (!row) throw new HubError('not_found', `lesson ${id}`);
    if (row.mode !== 'live') throw new HubError('bad_request', `lesson ${id} is not a live lesson`);
  };

  // The broadcaster's calls reach the lesson's origin node wherever the load balancer sends them (origin-forward.ts):
  // the origin answers, this node makes no second origin.
  const origin = async (request: FastifyRequest, id: string) => (live.sfu && !wasForwarded(request.headers) ? live.sfu.originNode(id) : null);

  admin.post('/v1/admin/live/:id/ingest', async (request, reply) => {
    const { id } = parseOrBadRequest(LessonParams, request.params);
    const body = parseOrBadRequest(IngestRequest, request.body);
    await liveLesson(id);
    const elsewhere = await origin(request, id);
    if (elsewhere && live.sfu) return forwardRequest(request, reply, elsewhere, live.sfu.nodeId);
    const room = await requireSfu(live).room(id);
    const target: IngestResponse = await room.openIngest(body);
    return reply.status(201).send(target);
  });

  // The broadcaster's lease: it polls this and opens a new ingest when the hub no longer has its own (hub restarted,
  // or the broadcast was taken off air after its RTP stopped).
  admin.get('/v1/admin/live/:id/ingest', async (request, reply): Promise<IngestStatus | FastifyReply> => {
    const { id } = parseOrBadRequest(LessonParams, request.params);
    await liveLesson(id);
    const elsewhere = await origin(request, id);
    if (elsewhere && live.sfu) return forwardRequest(request, reply, elsewhere, live.sfu.nodeId);
    return requireSfu(live).existingRoom(id)?.ingestStatus() ?? { onAir: false, ingestId: null };
  });

  admin.delete('/v1/admin/live/:id/ingest', async (request, reply) => {
    const { id } = parseOrBadRequest(LessonParams, request.params);
    const elsewhere = await origin(request, id);
    if (elsewhere && live.sfu) return forwardRequest(request, reply, elsewhere, live.sfu.nodeId);
    const room = requireSfu(live).existingRoom(id);
    return { stopped: room ? await room.closeIngest() : false };
  });

  registerRecordingRoutes(admin, live.sfu, live.recorder ?? null, live.unavailable);
}
