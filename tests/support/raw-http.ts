// HTTP/1.1 over a bare TCP socket, for requests no HTTP client would send: request targets exactly as written
// (percent-escapes, absolute form), broken framing, slow or endless bodies, upgrades. Resolves once one full response
// has arrived (Content-Length, chunked, or the socket closing), or when `timeoutMs` passes.
import { connect } from 'node:net';

export type RawResponse = {
  /** 0 when no status line arrived. */
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The server closed the connection (before the timeout). */
  closed: boolean;
  timedOut: boolean;
};

export type RawRequest = {
  port: number;
  host?: string;
  /** A source address on the loopback network (127.0.0.x), so tests can act as different clients. */
  localAddress?: string;
  /** Written as is; a function may write slowly or endlessly (it gets the socket and a stop signal). */
  send: string | Buffer | ((write: (chunk: string | Buffer) => boolean, stopped: () => boolean) => Promise<void>);
  /** A HEAD request: the response has headers only. */
  head?: boolean;
  /** Keep reading after a complete response, until the server closes (or the timeout). */
  untilClose?: boolean;
  timeoutMs?: number;
};

export function rawRequest({ port, host = '127.0.0.1', localAddress, send, head = false, untilClose = false, timeoutMs = 5000 }: RawRequest): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    let data = Buffer.alloc(0);
    let done = false;
    let closed = false;
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(data, head), closed, timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (!untilClose && complete(data, head)) finish(false);
    });
    socket.on('error', () => undefined); // a reset is an answer too: 'close' follows
    socket.on('close', () => {
      closed = true;
      finish(false);
    });
    socket.on('connect', () => {
      if (typeof send === 'function') {
        void send(
          (chunk) => !socket.destroyed && socket.write(chunk),
          () => done || socket.destroyed,
        ).catch(() => undefined);
      } else socket.write(send);
    });
  });
}

function headerEnd(data: Buffer): number {
  return data.indexOf('\r\n\r\n');
}

function parse(data: Buffer, head: boolean): Omit<RawResponse, 'closed' | 'timedOut'> {
  const end = headerEnd(data);
  if (end < 0) return { status: 0, headers: {}, body: Buffer.alloc(0) };
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = head || status === 101 || status === 204 || status === 304 ? Buffer.alloc(0) : data.subarray(end + 4);
  return { status, headers, body: headers['transfer-encoding'] === 'chunked' ? dechunk(rest) : rest };
}

function complete(data: Buffer, head: boolean): boolean {
  const end = headerEnd(data);
  if (end < 0) return false;
  const { status, headers } = parse(data, head);
  if (head || status === 101 || status === 204 || status === 304) return true;
  const body = data.subarray(end + 4);
  if (headers['content-length'] !== undefined) return body.length >= Number(headers['content-length']);
  if (headers['transfer-encoding'] === 'chunked') return body.includes('\r\n0\r\n\r\n') || body.subarray(0, 5).equals(Buffer.from('0\r\n\r\n'));
  return false; // read until the server closes
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
