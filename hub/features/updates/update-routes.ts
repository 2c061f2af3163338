// The electron-updater "generic" feed: GET /updates/<channel>/<file> serves latest.yml, installers and blockmaps that
// `npm run hub:publish-update` placed under the data folder, with the hub's Range handling (one range, or
// multipart/byteranges for differential downloads). Public group, like any download mirror: installers hold no
// secrets, the app verifies the publisher's signature on latest.yml (latest.yml.sig) before electron-updater may use
// it, and electron-updater checks each file's sha512 from that latest.yml.
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ReleaseFileName, UpdateChannel } from '../../../src/shared/update-protocol.ts';
import { HubError } from '../../core/http/hub-error.ts';
import { sendFile } from '../../core/http/send-file.ts';

export function registerUpdateRoutes(app: FastifyInstance, updatesDir: string | undefined) {
  app.get<{ Params: { channel: string; file: string } }>('/updates/:channel/:file', async (request, reply) => {
    const channel = UpdateChannel.safeParse(request.params.channel);
    const name = ReleaseFileName.safeParse(request.params.file);
    if (!updatesDir || !channel.success || !name.success) throw new HubError('not_found', 'no such update file');
    const file = join(updatesDir, channel.data, name.data);
    const info = await lstat(file).catch(() => null);
    if (!info?.isFile()) throw new HubError('not_found', `no ${name.data} in channel ${channel.data}`);
    // latest.yml and its signature change in place when a release is published: never cache them; installers are
    // immutable by name.
    const changesInPlace = name.data.endsWith('.yml') || name.data.endsWith('.yml.sig');
    reply.header('cache-control', changesInPlace ? 'no-cache' : 'public, max-age=31536000, immutable');
    return sendFile(request, reply, {
      path: file,
      size: info.size,
      contentType: name.data.endsWith('.yml') ? 'text/yaml; charset=utf-8' : 'application/octet-stream',
      etag: `"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`,
    });
  });
}
