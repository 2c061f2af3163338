// One request layer for every WebSocket between our programs (live signalling to the county hub and to a school edge,
// the sync socket): a protocol is a map method → request schema → response schema, plus a codec saying how its
// requests, answers, refusals and notifications look on the wire. The one client (ws-request-client.ts) and the one hub
// loop (hub/core/sockets/ws-request-server.ts) work only through the codec, so both sides parse every frame with the same
// schemas and every refusal is a named `{code, message}`. Each protocol keeps its own wire format (older PCs in the
// field speak it): the live protocol the envelope built here, the sync socket its `t`/`n` frames (its own codec).
import { z } from 'zod';

export type RequestSchemas = Record<string, { request: z.ZodType; response: z.ZodType }>;
export type MethodOf<M extends RequestSchemas> = keyof M & string;
/** What a caller passes (defaults not yet applied). */
export type RequestInput<M extends RequestSchemas, K extends MethodOf<M>> = z.input<M[K]['request']>;
/** What a handler gets: the request parsed by its schema. */
export type RequestOutput<M extends RequestSchemas, K extends MethodOf<M>> = z.output<M[K]['request']>;
/** What a handler returns (the loop parses it with the response schema before it goes out). */
export type ResponseInput<M extends RequestSchemas, K extends MethodOf<M>> = z.input<M[K]['response']>;
export type ResponseOutput<M extends RequestSchemas, K extends MethodOf<M>> = z.output<M[K]['response']>;

/** A refusal on the wire. `retryAfterS`: a rate-limited caller's wait, for protocols that carry it. */
export type WireRefusal<C extends string> = { code: C; message: string; retryAfterS?: number };

/** A frame from the client once read: a request for a known method (its data not yet checked), or why it is none. */
export type DecodedRequest<M extends RequestSchemas> =
  | { ok: true; id: number | null; method: MethodOf<M>; data: unknown }
  | { ok: false; id: number | null; message: string };

/** A frame from the hub once read: an answer to request `id` (null: to no request in particular), or a notification. */
export type DecodedServerFrame<N, C extends string> =
  | { kind: 'response'; id: number | null; ok: true; data: unknown }
  | { kind: 'response'; id: number | null; ok: false; error: WireRefusal<C> }
  | { kind: 'notification'; notification: N };

export type RequestCodec<M extends RequestSchemas, N, C extends string> = {
  methods: M;
  /** The code a frame that does not parse is refused with (counted against the socket's bad-frame budget). */
  malformed: C;
  encodeRequest(id: number, method: MethodOf<M>, data: unknown): unknown;
  decodeRequest(json: unknown): DecodedRequest<M>;
  encodeResponse(id: number | null, method: MethodOf<M>, data: unknown): unknown;
  encodeRefusal(id: number | null, refusal: WireRefusal<C>): unknown;
  encodeNotification(notification: N): unknown;
  /** Null: not a frame of this protocol. */
  decodeServerFrame(json: unknown): DecodedServerFrame<N, C> | null;
};

type PlainServerFrame<C extends string> =
  | { kind: 'notification'; notification: unknown }
  | { kind: 'response'; id: number | null; ok: true; data: unknown }
  | { kind: 'response'; id: number | null; ok: false; error: { code: C; message: string } };

/** Request ids are the client's own counter; anything past a safe integer cannot be echoed back exactly. */
export const RequestId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const MAX_MESSAGE = 2000;

/** The first issue of a failed parse, as one line for a refusal's message. */
export function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim();
}

/** Checks a request's data with its method's schema. */
export function parseRequestData<M extends RequestSchemas, K extends MethodOf<M>>(methods: M, method: K, data: unknown) {
  return (methods[method] as M[K]).request.safeParse(data) as z.ZodSafeParseResult<RequestOutput<M, K>>;
}

/** Reads an answer with its method's schema (throws on a wrong shape). */
export function parseResponseData<M extends RequestSchemas, K extends MethodOf<M>>(methods: M, method: K, data: unknown): ResponseOutput<M, K> {
  return (methods[method] as M[K]).response.parse(data) as ResponseOutput<M, K>;
}

/**
 * The request/response/notification envelope: `{v, id, method, data}` from the client; `{v, kind: 'response', id,
 * ok: true, data}`, `{v, kind: 'response', id, ok: false, error: {code, message}}` and `{v, kind: 'notification',
 * notification}` from the hub. `v` is the protocol's own version; `protocol` (the hub protocol's) may ride along.
 */
export function requestEnvelope<M extends RequestSchemas, V extends number, P extends number, N extends z.ZodType, C extends z.ZodType<string>>(spec: {
  methods: M;
  version: V;
  protocol: P;
  notification: N;
  errorCode: C;
  malformed: z.output<C>;
}) {
  const versions = { v: z.literal(spec.version), protocol: z.literal(spec.protocol).optional() };
  const names = Object.keys(spec.methods) as [MethodOf<M>, ...MethodOf<M>[]];
  const Request = z.object({ ...versions, id: RequestId, method: z.enum(names), data: z.unknown() });
  const ServerMessage = z.union([
    z.object({ ...versions, kind: z.literal('response'), id: z.number().int().nullable(), ok: z.literal(true), data: z.unknown() }),
    z.object({
      ...versions,
      kind: z.literal('response'),
      id: z.number().int().nullable(),
      ok: z.literal(false),
      error: z.object({ code: spec.errorCode, message: z.string().max(MAX_MESSAGE) }),
    }),
    z.object({ ...versions, kind: z.literal('notification'), notification: spec.notification }),
  ]);
  type Code = z.output<C> & string;
  const codec: RequestCodec<M, z.output<N>, Code> = {
    methods: spec.methods,
    malformed: spec.malformed,
    encodeRequest: (id, method, data) => ({ v: spec.version, id, method, data }),
    decodeRequest(json) {
      const envelope = Request.safeParse(json);
      if (envelope.success) return { ok: true, id: envelope.data.id, method: envelope.data.method, data: envelope.data.data };
      // The id is echoed when it is one the client could have sent: a wrong method still gets its answer matched.
      const id = RequestId.safeParse((json as { id?: unknown } | null)?.id);
      return { ok: false, id: id.success ? id.data : null, message: `bad envelope: ${issueText(envelope.error)}` };
    },
    encodeResponse: (id, _method, data) => ({ v: spec.version, kind: 'response', id, ok: true, data }),
    encodeRefusal: (id, { code, message }) => ({ v: spec.version, kind: 'response', id, ok: false, error: { code, message: message.slice(0, MAX_MESSAGE) } }),
    encodeNotification: (notification) => ({ v: spec.version, kind: 'notification', notification }),
    decodeServerFrame(json) {
      const parsed = ServerMessage.safeParse(json);
      if (!parsed.success) return null;
      const m = parsed.data as PlainServerFrame<Code>;
      if (m.kind === 'notification') return { kind: 'notification', notification: m.notification as z.output<N> };
      if (m.ok) return { kind: 'response', id: m.id, ok: true, data: m.data };
      return { kind: 'response', id: m.id, ok: false, error: m.error };
    },
  };
  return { Request, ServerMessage, codec };
}
