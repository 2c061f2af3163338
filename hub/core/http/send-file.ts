// Serves one file with the hub's Range handling (byte-ranges.ts): 200 whole, 206 one range, 206 multipart/byteranges
// for several, 416 in the error shape when nothing is satisfiable, 304 for a matching If-None-Match, and If-Range.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorResponse } from '../../../src/shared/protocol.ts';
import { contentRange, decideRanges, etagMatches, multipartEnd, multipartLength, multipartPartHeader, type ByteRange } from './byte-ranges.ts';

export type FileToSend = { path: string; size: number; contentType: string; etag: string };

export function sendFile(request: FastifyRequest, reply: FastifyReply, file: FileToSend): FastifyReply {
  reply.header('accept-ranges', 'bytes').header('etag', file.etag);
  if (etagMatches(request.headers['if-none-match'], file.etag)) return reply.status(304).send();
  const ifRange = request.headers['if-range'];
  const decision = ifRange !== undefined && ifRange !== file.etag ? ({ kind: 'full' } as const) : decideRanges(request.headers.range, file.size);
  if (decision.kind === 'unsatisfiable') {
    const body: ErrorResponse = { error: { code: 'bad_request', message: `range not satisfiable for ${file.size} bytes` } };
    return reply.status(416).header('content-range', `bytes */${file.size}`).send(body);
  }
  if (decision.kind === 'full') {
    reply.status(200).type(file.contentType).header('content-length', file.size);
    return reply.send(file.size === 0 ? '' : createReadStream(file.path));
  }
  const [only, ...more] = decision.ranges;
  if (only && more.length === 0) {
    return reply
      .status(206)
      .type(file.contentType)
      .header('content-range', contentRange(only, file.size))
      .header('content-length', only.end - only.start + 1)
      .send(createReadStream(file.path, { start: only.start, end: only.end }));
  }
  const boundary = `ykt${randomBytes(12).toString('hex')}`;
  return reply
    .status(206)
    .type(`multipart/byteranges; boundary=${boundary}`)
    .header('content-length', multipartLength(boundary, file.contentType, decision.ranges, file.size))
    .send(multipartBody(file, boundary, decision.ranges));
}

function multipartBody(file: FileToSend, boundary: string, ranges: ByteRange[]): Readable {
  return Readable.from(
    (async function* () {
      for (const [i, range] of ranges.entries()) {
        yield Buffer.from(multipartPartHeader(boundary, file.contentType, range, file.size, i === 0));
        for await (const chunk of createReadStream(file.path, { start: range.start, end: range.end })) yield chunk as Buffer;
      }
      yield Buffer.from(multipartEnd(boundary));
    })(),
  );
}
