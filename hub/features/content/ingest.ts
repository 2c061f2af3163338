// Ingest a folder (a lesson recording, or a 预习包 of documents, slides, images, short videos, exercises) into the
// content-addressed store and record its manifest; optionally attach it to lessons. Videos a classroom PC could not
// play are transcoded first (or the ingest fails with the reason, storing nothing of the pack). File names follow the
// same rules as a classroom's USB import (src/shared/safe-names.ts), and the manifest is signed with the hub's key.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { PROTOCOL_VERSION } from '../../../src/shared/protocol.ts';
import { PackManifest, type ContentFile, type PackKind } from '../../../src/shared/content-protocol.ts';
import { brokenNameRule, findNameClash } from '../../../src/shared/safe-names.ts';
import { formatBytes } from '../../../src/shared/format-bytes.ts';
import type { HubDatabase } from '../../core/db/open-database.ts';
import { attachPack, packCreatedAt, savePack } from './content-repo.ts';
import type { PackSigner } from '../../core/signing/pack-signing.ts';
import { storeFile } from './content-store.ts';
import { playabilityOf, probeMedia, transcodeToH264 } from './media-check.ts';

const MIME: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
  '.ts': 'video/mp2t',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};
export const mimeOf = (path: string) => MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';

export type IngestOptions = {
  contentDir: string;
  signer: PackSigner;
  chunkSize?: number;
  packId?: string;
  title?: string;
  kind?: PackKind;
  lessonIds?: string[];
  now: Date;
  log?: (line: string) => void;
};

/** A new version of a pack is dated strictly after the stored one, even if the clock went back: classrooms take a
 * replacement only when it is newer. */
async function versionTime(db: HubDatabase, packId: string, now: Date): Promise<string> {
  const previous = Date.parse((await packCreatedAt(db, packId)) ?? '');
  return new Date(Number.isNaN(previous) || previous < now.getTime() ? now.getTime() : previous + 1).toISOString();
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await listFiles(root, full)));
    else if (e.isFile()) files.push(full);
  }
  return files;
}

export async function ingestFolder(db: HubDatabase, folder: string, options: IngestOptions): Promise<PackManifest> {
  const log = options.log ?? (() => undefined);
  const sources = await listFiles(folder);
  if (sources.length === 0) throw new Error(`${folder}: no files to ingest`);
  await mkdir(options.contentDir, { recursive: true });
  const work = await mkdtemp(join(options.contentDir, '.ingest-'));
  try {
    const files: ContentFile[] = [];
    for (const source of sources) {
      let path = relative(folder, source).split(sep).join('/');
      const rule = brokenNameRule(path);
      if (rule) throw new Error(`${JSON.stringify(path)}: unsafe file name (${rule})`);
      let mime = mimeOf(path);
      let file = source;
      if (mime.startsWith('video/') || mime.startsWith('audio/')) {
        const verdict = playabilityOf(await probeMedia(source));
        if (!verdict.playable) {
          log(`${path}: ${verdict.reason} does not play on classroom PCs, transcoding to H.264/AAC MP4`);
          file = join(work, `${files.length}.mp4`);
          await transcodeToH264(source, file);
          path = path.replace(/\.[^./]*$/, '') + '.mp4';
          mime = 'video/mp4';
        }
      }
      const digest = await storeFile(options.contentDir, file, options.chunkSize);
      files.push({ path, mime, ...digest });
      log(`${path}: ${formatBytes(digest.size)}, sha256 ${digest.sha256.slice(0, 12)}…`);
    }
    const clash = findNameClash(files.map((f) => f.path));
    if (clash) throw new Error(`${JSON.stringify(clash.path)} and ${JSON.stringify(clash.other)} are one name on Windows`);
    const kind = options.kind ?? (files.length === 1 && files[0]?.mime.startsWith('video/') ? 'recording' : 'preview');
    const fingerprint = createHash('sha256').update(files.map((f) => `${f.path}\0${f.sha256}`).join('\n')).digest('hex');
    const id = options.packId ?? `pack-${fingerprint.slice(0, 16)}`;
    const manifest = PackManifest.parse({
      protocol: PROTOCOL_VERSION,
      id,
      kind,
      title: options.title ?? (folder.split(sep).filter(Boolean).at(-1) || 'pack'),
      createdAt: await versionTime(db, id, options.now),
      files,
    });
    await savePack(db, manifest, options.now, options.signer);
    if (options.lessonIds?.length) await attachPack(db, manifest.id, options.lessonIds);
    return manifest;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
