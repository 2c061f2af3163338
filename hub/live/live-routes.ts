// Live lessons on the hub: the signalling socket and the broadcaster's ingest API (admin credential, under
// /v1/admin/). Registered by create-hub with one line; without an SFU both answer that live is unavailable, and why.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IngestRequest, livePaths, type CapabilitiesResponse, type IngestResponse, type IngestStatus } from '../../src/shared/live-protocol.ts';
import { Id } from '../../src/shared/protocol.ts';
import { HubError } from '../http/hub-error.ts';
import type { HubContext } from '../http/hub-context.ts';
import { parseOrBadRequest } from '../http/validate.ts';
import { registerConsoleRoutes } from './console-routes.ts';
import { attachLiveSignalling } from './live-signalling.ts';
import type { LessonRecorder } from './lesson-recorder.ts';
import type { LiveSfu } from './live-sfu.ts';
import { registerRecordingRoutes } from './recording-routes.ts';
import { relayQuizResults } from './live-quiz.ts';

const LessonParams = z.object({ id: Id });

export function registerLiveRoutes(app: FastifyInstance, ctx: HubContext, sfu: LiveSfu | null | undefined, unavailable = 'no SFU configured', recorder: LessonRecorder | null = null) {
  const signalling = attachLiveSignalling(app.server, ctx, sfu ?? null, unavailable);
  const stopRelay = relayQuizResults(ctx.events, ctx.db, sfu ?? null);
  // preClose, not onClose: the HTTP server's close waits for every socket, upgraded ones included, so open WebSockets
  // must be closed first or a graceful stop never finishes while a classroom is connected.
  app.addHook('preClose', async () => {
    stopRelay();
    await signalling.close();
  });

  const requireSfu = () => {
    if (!sfu) throw new HubError('not_found', `live lessons are unavailable on this hub: ${unavailable}`);
    return sfu;
  };
  const liveLesson = (id: string) => {
    const row = ctx.db.prepare(`SELECT mode FROM lessons WHERE id = ?`).get(id) as { mode: string } | undefined;
    if (!row) throw new HubError('not_found', `lesson ${id}`);
    if (row.mode !== 'live') throw new HubError('bad_request', `lesson ${id} is not a live lesson`);
  };

  registerConsoleRoutes(app);
  app.get('/v1/live/status', async () => ({ available: Boolean(sfu), reason: sfu ? null : unavailable }));
  app.get(livePaths.capabilities, async () => {
    const body: CapabilitiesResponse = { routerRtpCapabilities: { ...requireSfu().routerRtpCapabilities } };
    return body;
  });

  app.post('/v1/admin/live/:id/ingest', async (request, reply) => {
    const { id } = parseOrBadRequest(LessonParams, request.params);
    const body = parseOrBadRequest(IngestRequest, request.body);
    liveLesson(id);
    const room = await requireSfu().room(id);
    const target: IngestResponse = await room.openIngest(body);
    return reply.status(201).send(target);
  });

  // The broadcaster's lease: it polls this and opens a new ingest when the hub no longer has its own (hub restarted,
  // or the broadcast was taken off air after its RTP stopped).
  app.get('/v1/admin/live/:id/ingest', async (request): Promise<IngestStatus> => {
    const { id } = parseOrBadRequest(LessonParams, request.params);
    liveLesson(id);
    return requireSfu().existingRoom(id)?.ingestStatus() ?? { onAir: false, ingestId: null };
  });

  app.delete('/v1/admin/live/:id/ingest', async (request) => {
    const { id } = parseOrBadRequest(LessonParams, request.params);
    const room = requireSfu().existingRoom(id);
    return { stopped: room ? await room.closeIngest() : false };
  });
  registerRecordingRoutes(app, sfu ?? null, recorder, unavailable);
}
