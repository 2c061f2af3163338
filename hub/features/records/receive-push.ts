// One device's batch of ops, however it arrived (HTTP push or the sync socket): applied exactly once, unexpected
// failures logged with the op, and newly applied quiz answers announced to the live consoles.
import type { FastifyBaseLogger } from 'fastify';
import type { OpAck } from '../../../src/shared/protocol.ts';
import type { HubContext } from '../../core/http/hub-context.ts';
import type { DeviceRow } from '../org/org-repo.ts';
import { applyPush } from './apply-ops.ts';
import { announceQuizAnswers } from '../quiz/quiz-events.ts';

export async function receivePush(ctx: HubContext, device: DeviceRow, ops: unknown[], log: FastifyBaseLogger): Promise<OpAck[]> {
  const acks = await applyPush(
    ctx.db,
    device,
    ops,
    ctx.now(),
    (op, error) => log.error({ err: error, deviceId: device.id, opId: op.id, opType: op.type }, 'op rejected: unexpected failure'),
    (error) => log.warn({ err: error, deviceId: device.id, ops: ops.length }, 'push applied op by op: a bulk statement failed'),
  );
  announceQuizAnswers(ctx.events, device.classroom_id, ops, acks);
  return acks;
}
