// The one server loop of the hub's request sockets (county live signalling, the school edge's live signalling, the
// sync socket), for any protocol of src/shared/ws-request.ts. Each socket handles its frames one at a time, in order;
// a server may have the socket stop reading while frames wait (`pauseAt`: TCP backpressure, so a client that floods
// big frames costs a socket buffer, not memory). Every frame is parsed with the protocol's schemas; one that does not parse
// (binary, not JSON, wrong envelope, unknown method, wrong data) is answered by name with the protocol's `malformed`
// code, and too many of those close the socket. A handler's throw becomes a named refusal on that socket only: nothing
// a client sends can stop the process or disturb another socket. The hello/join deadline and pings are here too.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type PerMessageDeflateOptions, type RawData, type WebSocket } from 'ws';
import {
  issueText,
  parseRequestData,
  type MethodOf,
  type RequestCodec,
  type RequestOutput,
  type RequestSchemas,
  type ResponseInput,
  type WireRefusal,
} from '../../../src/shared/ws-request.ts';
import { upgradePath } from '../http/upgrade-guard.ts';
import { keepAliveByPing, MAX_BAD_FRAMES, rawText, socketDeadline, type SocketDeadline, type SocketDeadlineOptions } from './socket-keepalive.ts';

/** A handler's result when another node answers the request (a forwarded console): nothing is sent from here. */
export const ANSWERED_ELSEWHERE: unique symbol = Symbol('answered elsewhere');

/** One socket as its session sees it. */
export type RequestSocket<N> = {
  notify(notification: N): void;
  /** A frame as it came from elsewhere (the origin node's answers to a forwarded console), unparsed. */
  sendRaw(text: string): void;
  /** The text of the frame being handled now (to send it on as it came). */
  currentFrame(): string;
  /** From now on every frame the client sends goes to `relay` as it is, not to the handlers (forwarded to the origin). */
  passThrough(relay: (text: string) => void): void;
  close(code: number, reason: string): void;
  readonly isOpen: boolean;
  readonly address: string;
  /** The one hello/join deadline (socket-keepalive.ts): the session says when a greeting is answered. */
  readonly deadline: SocketDeadline;
  /** Bytes read on the socket so far (wire statistics). */
  bytesRead(): number;
};

export type RequestHandlers<M extends RequestSchemas> = { [K in MethodOf<M>]: (data: RequestOutput<M, K>) => Promise<ResponseInput<M, K>> };

/** What one socket does with its requests; made when it connects. */
export type RequestSession<M extends RequestSchemas, C extends string> = {
  handlers: RequestHandlers<M>;
  /** A request refused before its handler by name (e.g. `not_joined`), not counted as a bad frame. */
  gate?(method: MethodOf<M>): WireRefusal<C> | null;
  /** What the client is told when a handler throws (a named refusal; the session logs what it did not expect). */
  refusal(error: unknown, method: MethodOf<M>): WireRefusal<C>;
  /** After a handler's refusal went out: a refused hello closes the socket, say. */
  refused?(method: MethodOf<M>, refusal: WireRefusal<C>, error: unknown): void;
  /** The socket is gone (closed or failed): give back what it held. */
  gone(): void;
};

export type RequestServerSpec<M extends RequestSchemas, N, C extends string> = {
  path: string;
  codec: RequestCodec<M, N, C>;
  /** Largest frame, after inflation. */
  maxPayload: number;
  perMessageDeflate?: PerMessageDeflateOptions;
  /** Ping every socket and end the ones that stop answering (live: a watching classroom sends nothing for long).
   *  Without: the deadline's idle timer finds a lost client (a pong would count as something read). */
  ping: boolean;
  /** An upgrade for another path: left to its own listener (the hub's upgrade-guard refuses unknown ones), or
   *  destroyed (a server with only this socket). */
  otherPaths: 'leave' | 'destroy';
  deadline: SocketDeadlineOptions & { closeFor: (why: 'no_hello' | 'idle') => [code: number, reason: string] };
  /** Frames held before the socket stops reading (TCP backpressure); the sync socket's big batches: 2 (one being
   *  applied, one waiting). Unset: every frame is read and queued (live signalling's small frames, as always). */
  pauseAt?: number;
  /** The close reason when a socket ran out of its bad-frame budget (1008); default 'too many malformed messages'. */
  malformedClose?: string;
  /** How the server's stop closes each socket, and how long it waits for the clients' close frames. */
  stop: { code: number; reason: string; waitMs: number };
  session(socket: RequestSocket<N>, request: IncomingMessage): RequestSession<M, C>;
  /** A failure of the loop itself (never expected: a handler's throw is a refusal). */
  onLoopError?(error: unknown): void;
  /** The socket failed (a reset, a frame past maxPayload): it closes after this. */
  onSocketError?(error: Error): void;
};

export function attachRequestServer<M extends RequestSchemas, N, C extends string>(server: Server, spec: RequestServerSpec<M, N, C>) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: spec.maxPayload, perMessageDeflate: spec.perMessageDeflate ?? false });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (upgradePath(request) !== spec.path) {
      if (spec.otherPaths === 'destroy') socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);
  const stopPinging = spec.ping ? keepAliveByPing(wss) : () => undefined;
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => serveRequests(ws, request, spec));
  return {
    /** Tells every client the server is going away, waits a little for their close frames, then cuts the rest. */
    async close() {
      stopPinging();
      server.off('upgrade', onUpgrade);
      const open = [...wss.clients];
      const closed = open.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
      for (const ws of open) ws.close(spec.stop.code, spec.stop.reason);
      if (spec.stop.waitMs > 0 && open.length > 0) await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, spec.stop.waitMs))]);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function serveRequests<M extends RequestSchemas, N, C extends string>(ws: WebSocket, request: IncomingMessage, spec: RequestServerSpec<M, N, C>) {
  const { codec } = spec;
  const { closeFor, ...deadlineOptions } = spec.deadline;
  const deadline = socketDeadline({
    ...deadlineOptions,
    bytesRead: () => request.socket.bytesRead,
    onExpired: (why) => ws.close(...closeFor(why)),
  });
  const send = (frame: unknown) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const socket: RequestSocket<N> = {
    notify: (notification) => send(codec.encodeNotification(notification)),
    sendRaw: (text) => {
      if (ws.readyState === ws.OPEN) ws.send(text);
    },
    currentFrame: () => current,
    passThrough: (to) => {
      relay = to;
    },
    close: (code, reason) => ws.close(code, reason),
    get isOpen() {
      return ws.readyState === ws.OPEN;
    },
    address: request.socket.remoteAddress ?? 'unknown',
    deadline,
    bytesRead: () => request.socket.bytesRead,
  };
  let current = '';
  let relay: ((text: string) => void) | null = null;
  const session = spec.session(socket, request);
  let badFrames = 0;
  let queued = 0;
  let queue: Promise<void> = Promise.resolve();

  const refuse = (id: number | null, refusal: WireRefusal<C>) => {
    send(codec.encodeRefusal(id, { ...refusal, message: refusal.message.slice(0, 2000) }));
    if (refusal.code === codec.malformed && ++badFrames >= MAX_BAD_FRAMES) ws.close(1008, spec.malformedClose ?? 'too many malformed messages');
  };
  const bad = (id: number | null, message: string) => refuse(id, { code: codec.malformed, message });

  async function handle(text: string | null) {
    if (text === null) return bad(null, 'binary frames are not accepted');
    if (relay) return relay(text);
    current = text;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return bad(null, 'not JSON');
    }
    const decoded = codec.decodeRequest(json);
    if (!decoded.ok) return bad(decoded.id, decoded.message);
    const { id, method } = decoded;
    const data = parseRequestData(codec.methods, method, decoded.data);
    if (!data.success) return bad(id, `${method}: ${issueText(data.error)}`);
    const gated = session.gate?.(method);
    if (gated) return refuse(id, gated);
    try {
      const handler = session.handlers[method] as (d: unknown) => Promise<unknown>;
      const answer = await handler(data.data);
      if (answer === ANSWERED_ELSEWHERE) return;
      const result = (codec.methods[method] as M[typeof method]).response.parse(answer);
      send(codec.encodeResponse(id, method, result));
    } catch (error) {
      const refusal = session.refusal(error, method);
      refuse(id, refusal);
      session.refused?.(method, refusal, error);
    }
  }

  ws.on('message', (raw: RawData, isBinary) => {
    const text = isBinary ? null : rawText(raw);
    if (++queued >= (spec.pauseAt ?? Infinity)) ws.pause();
    queue = queue
      .then(() => handle(text))
      .catch((error: unknown) => spec.onLoopError?.(error))
      .finally(() => {
        if (--queued < (spec.pauseAt ?? Infinity) && ws.readyState === ws.OPEN) ws.resume();
      });
  });
  let ended = false;
  const gone = () => {
    if (ended) return;
    ended = true;
    deadline.stop();
    session.gone();
  };
  ws.on('close', gone);
  ws.on('error', (error) => {
    spec.onSocketError?.(error);
    gone();
  });
}
