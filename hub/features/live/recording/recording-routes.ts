// Admin routes for a lesson's end and its recording: 下课 from a script or the admin's tools (the console does the same
// over signalling), and the recording's state (recording, finalizing, ready with its pack id, failed with the reason).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Id } from '../../../../src/shared/protocol.ts';
import { HubError } from '../../../core/http/hub-error.ts';
import { parseOrBadRequest } from '../../../core/http/validate.ts';
import type { LessonRecorder } from './lesson-recorder.ts';
import type { LiveSfu } from '../sfu/live-sfu.ts';

const LessonParams = z.object({ id: Id });

export function registerRecordingRoutes(admin: FastifyInstance, sfu: LiveSfu | null, recorder: LessonRecorder | null, unavailable: string) {
  admin.post('/v1/admin/live/:id/end', async (request, reply) => {
    const { id } = parseOrBadRequest(LessonParams, request.params);
    if (!sfu) throw new HubError('not_found', `live lessons are unavailable on this hub: ${unavailable}`);
    const room = sfu.existingRoom(id);
    if (!room) throw new HubError('not_found', `lesson ${id} has not been on air since the hub started`);
    await room.endLesson();
    return reply.status(202).send({ ended: true, recording: recorder ? recorder.status(id) : null });
  });

  admin.get('/v1/admin/live/:id/recording', async (request) => {
    const { id } = parseOrBadRequest(LessonParams, request.params);
    if (!recorder) throw new HubError('not_found', 'this hub does not record live lessons (no SFU or no ffmpeg with libx264)');
    return recorder.status(id);
  });
}
