// The electron-updater "generic" feed: GET /updates/<channel>/<file> serves latest.yml, installers and blockmaps that
// `npm run hub:publish-update` placed under the data folder. Static files with Range (one range, or multipart/byteranges
// for differential downloads). Public like any download mirror: installers hold no secrets, the app verifies the
// publisher's signature on latest.yml (latest.yml.sig) before electron-updater may use it, and electron-updater checks
// each file's sha512 from that latest.yml.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ReleaseFileName, UpdateChannel } from '../../src/shared/update-protocol.ts';
import { HubError } from '../http/hub-error.ts';
import { contentRange, multipartEnd, multipartLength, multipartPartHeader, parseRangeHeader, type ByteRange } from './byte-ranges.ts';

function contentTypeOf(name: string): string {
  return name.endsWith('.yml') ? 'text/yaml; charset=utf-8' : 'application/octet-stream';
}

function multipartBody(file: string, boundary: string, contentType: string, ranges: ByteRange[], size: number): Readable {
  return Readable.from(
    (async function* () {
      for (const [i, range] of ranges.entries()) {
        yield Buffer.from(multipartPartHeader(boundary, contentType, range, size, i === 0));
        for await (const chunk of createReadStream(file, { start: range.start, end: range.end })) yield chunk as Buffer;
      }
      yield Buffer.from(multipartEnd(boundary));
    })(),
  );
}

export function registerUpdateRoutes(app: FastifyInstance, updatesDir: string | undefined) {
  app.get<{ Params: { channel: string; file: string } }>('/updates/:channel/:file', async (request, reply) => {
    const channel = UpdateChannel.safeParse(request.params.channel);
    const name = ReleaseFileName.safeParse(request.params.file);
    if (!updatesDir || !channel.success || !name.success) throw new HubError('not_found', 'no such update file');
    const file = join(updatesDir, channel.data, name.data);
    const info = await lstat(file).catch(() => null);
    if (!info?.isFile()) throw new HubError('not_found', `no ${name.data} in channel ${channel.data}`);
    const size = info.size;
    const type = contentTypeOf(name.data);
    const etag = `"${size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`;
    reply.header('accept-ranges', 'bytes').header('etag', etag);
    // latest.yml and its signature change in place when a release is published: never cache them; installers are
    // immutable by name.
    const changesInPlace = name.data.endsWith('.yml') || name.data.endsWith('.yml.sig');
    reply.header('cache-control', changesInPlace ? 'no-cache' : 'public, max-age=31536000, immutable');

    const ifRange = request.headers['if-range'];
    const ranges = ifRange !== undefined && ifRange !== etag ? null : parseRangeHeader(request.headers.range, size);
    if (ranges === 'unsatisfiable') {
      return reply.status(416).header('content-range', `bytes */${size}`).send();
    }
    if (ranges === null) {
      return reply.status(200).type(type).header('content-length', size).send(createReadStream(file));
    }
    const [only] = ranges;
    if (ranges.length === 1 && only) {
      return reply
        .status(206)
        .type(type)
        .header('content-range', contentRange(only, size))
        .header('content-length', only.end - only.start + 1)
        .send(createReadStream(file, { start: only.start, end: only.end }));
    }
    const boundary = `ykt${randomBytes(12).toString('hex')}`;
    return reply
      .status(206)
      .type(`multipart/byteranges; boundary=${boundary}`)
      .header('content-length', multipartLength(boundary, type, ranges, size))
      .send(multipartBody(file, boundary, type, ranges, size));
  });
}
