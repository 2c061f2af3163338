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
import { issueText, type RequestCodec } from './ws-request.ts';

export const SYNC_WS_PATH = '/v1/sync/socket';
/** Largest frame either side takes, inflated (permessage-deflate): a full push batch with room to spare. */
export const SYNC_SOCKET_MAX_FRAME_BYTES = 4 * 1024 * 1024;

const FrameNumber = z.number().int().min(0).max(2 ** 31);
const RetryAfterS = z.number().int().min(0).max(3600);

/**
 * The sync socket as a request protocol (src/shared/ws-request.ts): `hello` (answered by `ready`, unnumbered) and
 * `push` (numbered `n` by the client, answered by `acks` with the same number). The wire frames below are what
 * classrooms in the field speak; `syncCodec` maps them to and from the one hub loop's requests.
 */
export const syncRequests = {
  hello: {
    request: z.object({ protocol: z.number().int(), token: z.string().max(300) }),
    /** The device is known: its pushes are taken. `hubTime` sets the classroom's clock as any HTTP answer does. */
    response: z.object({ protocol: z.literal(PROTOCOL_VERSION), maxOps: z.number().int().min(1), hubTime: z.number().int().min(0) }),
  },
  push: {
    request: z.object({ ops: PushRequest.shape.ops }),
    /** Acknowledged ops as seq ranges, the rest (rejected) by id (push-acks.ts). */
    response: z.object({ acknowledged: z.array(SeqRange).max(PUSH_HUB_MAX_OPS), acks: z.array(OpAck).max(PUSH_HUB_MAX_OPS) }),
  },
} as const;
export type SyncRequests = typeof syncRequests;

export const SyncHello = syncRequests.hello.request.extend({ t: z.literal('hello') });
/** One batch, numbered by the client (`n`): its answer carries the same number. */
export const SyncPush = syncRequests.push.request.extend({ t: z.literal('push'), n: FrameNumber });
export const SyncClientFrame = z.discriminatedUnion('t', [SyncHello, SyncPush]);
export type SyncClientFrame = z.infer<typeof SyncClientFrame>;

export const SyncServerFrame = z.discriminatedUnion('t', [
  syncRequests.hello.response.extend({ t: z.literal('ready') }),
  syncRequests.push.response.extend({ t: z.literal('acks'), n: FrameNumber }),
  /** `n`: the push refused, or null for the socket as a whole (hello refused, a frame that does not parse). */
  /** `retryAfterS`: a rate-limited caller's wait, as HTTP's Retry-After. */
  z.object({
    t: z.literal('error'),
    n: FrameNumber.nullable(),
    error: z.object({ code: ErrorCode, message: z.string().max(2000) }),
    retryAfterS: RetryAfterS.optional(),
  }),
]);
export type SyncServerFrame = z.infer<typeof SyncServerFrame>;

/** Which frame a client meant, even when it does not parse: its `n` is echoed if it could be one. */
const SyncEnvelope = z.object({ t: z.enum(['hello', 'push']) });

export const syncCodec: RequestCodec<SyncRequests, never, ErrorCode> = {
  methods: syncRequests,
  malformed: 'bad_request',
  encodeRequest: (id, method, data) => (method === 'hello' ? { t: 'hello', ...(data as object) } : { t: 'push', n: id, ...(data as object) }),
  decodeRequest(json) {
    const n = FrameNumber.safeParse((json as { n?: unknown } | null)?.n);
    const id = n.success ? n.data : null;
    const envelope = SyncEnvelope.safeParse(json);
    if (!envelope.success) return { ok: false, id, message: `bad frame: ${issueText(envelope.error)}` };
    if (envelope.data.t === 'hello') return { ok: true, id: null, method: 'hello', data: json };
    if (id === null) return { ok: false, id, message: 'bad frame: n: not a batch number' };
    return { ok: true, id, method: 'push', data: json };
  },
  encodeResponse: (id, method, data) => (method === 'hello' ? { t: 'ready', ...(data as object) } : { t: 'acks', n: id, ...(data as object) }),
  encodeRefusal: (id, { code, message, retryAfterS }) => ({
    t: 'error',
    n: id,
    error: { code, message },
    ...(retryAfterS === undefined ? {} : { retryAfterS: Math.min(3600, Math.max(0, Math.ceil(retryAfterS))) }),
  }),
  encodeNotification: () => {
    throw new Error('the sync socket has no notifications');
  },
  decodeServerFrame(json) {
    const parsed = SyncServerFrame.safeParse(json);
    if (!parsed.success) return null;
    const frame = parsed.data;
    if (frame.t === 'error') {
      const { code, message } = frame.error;
      return { kind: 'response', id: frame.n, ok: false, error: { code, message, ...(frame.retryAfterS === undefined ? {} : { retryAfterS: frame.retryAfterS }) } };
    }
    const { t, ...data } = frame;
    return { kind: 'response', id: t === 'acks' ? frame.n : null, ok: true, data };
  },
};

/** Close codes the hub uses: a refusal (no retry on this socket helps), the hub going away, idle. (A frame past
 * SYNC_SOCKET_MAX_FRAME_BYTES is closed 1009 by the WebSocket library itself.) */
export const SyncClose = { refused: 1008, stopping: 1001, idle: 1000 } as const;
