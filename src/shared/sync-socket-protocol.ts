// The sync socket: a long outbox (a day offline, 10 000 ops) goes up one WebSocket, batch after batch with no gap,
// instead of one HTTP request per batch. Over a 300 ms village link every new request pays a round trip and TCP's
// restart after idle, and two requests side by side overshoot the link's shallow queue together; one connection that
// never idles sends at close to one stream's rate (tests/net/README.md, "What the link itself holds"). The HTTP push
// (HubPaths.push) stays for short pushes and for hubs or proxies without the socket.
//
// A browser cannot set headers on a WebSocket, so the device token travels in the first frame (`hello`), as the live
// join does. Every frame is JSON, validated on both sides; frames are answered in order. Acks are always compact.
import { z } from 'zod';
import { ErrorCode, OpAck, PROTOCOL_VERSION, PushRequest, PUSH_HUB_MAX_OPS, SeqRange } from './protocol.ts';

export const SYNC_WS_PATH = '/v1/sync/socket';
/** Largest frame either side takes, inflated (permessage-deflate): a full push batch with room to spare. */
export const SYNC_SOCKET_MAX_FRAME_BYTES = 4 * 1024 * 1024;

const FrameNumber = z.number().int().min(0).max(2 ** 31);

export const SyncHello = z.object({ t: z.literal('hello'), protocol: z.number().int(), token: z.string().max(300) });
/** One batch, numbered by the client (`n`): its answer carries the same number. */
export const SyncPush = z.object({ t: z.literal('push'), n: FrameNumber, ops: PushRequest.shape.ops });
export const SyncClientFrame = z.discriminatedUnion('t', [SyncHello, SyncPush]);
export type SyncClientFrame = z.infer<typeof SyncClientFrame>;

export const SyncServerFrame = z.discriminatedUnion('t', [
  /** The device is known: its pushes are taken. `hubTime` sets the classroom's clock as any HTTP answer does. */
  z.object({ t: z.literal('ready'), protocol: z.literal(PROTOCOL_VERSION), maxOps: z.number().int().min(1), hubTime: z.number().int().min(0) }),
  /** Push `n` applied: acknowledged ops as seq ranges, the rest (rejected) by id (push-acks.ts). */
  z.object({ t: z.literal('acks'), n: FrameNumber, acknowledged: z.array(SeqRange).max(PUSH_HUB_MAX_OPS), acks: z.array(OpAck).max(PUSH_HUB_MAX_OPS) }),
  /** `n`: the push refused, or null for the socket as a whole (hello refused, a frame that does not parse). */
  /** `retryAfterS`: a rate-limited caller's wait, as HTTP's Retry-After. */
  z.object({
    t: z.literal('error'),
    n: FrameNumber.nullable(),
    error: z.object({ code: ErrorCode, message: z.string().max(2000) }),
    retryAfterS: z.number().int().min(0).max(3600).optional(),
  }),
]);
export type SyncServerFrame = z.infer<typeof SyncServerFrame>;

/** Close codes the hub uses: a refusal (no retry on this socket helps), the hub going away, idle. (A frame past
 * SYNC_SOCKET_MAX_FRAME_BYTES is closed 1009 by the WebSocket library itself.) */
export const SyncClose = { refused: 1008, stopping: 1001, idle: 1000 } as const;
