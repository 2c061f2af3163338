// Row shapes of the offline-content tables (Dexie schema versions 3 and 4).
import type { PackManifest } from '../../shared/content-protocol.ts';

export type PackRow = {
  id: string;
  manifest: PackManifest;
  /** Pinned packs are never evicted (a teacher keeps a good lesson for next year). */
  pinned: boolean;
  /** For least-recently-used eviction; set when the pack is opened. */
  lastUsedAt: number;
  /** 'hub' or 'import' (USB/LAN folder). */
  source: 'hub' | 'import';
  /** The hub's signature of the manifest (base64url), carried on export. Absent on rows stored before packs were signed. */
  signature?: string;
  /** The key that signature verified against when stored: a pack is replaced only by a newer version from that key. */
  signedBy?: string;
};

export type LessonPackRow = { lessonId: string; packId: string };

/** 'evicted': deleted to make room (never re-downloaded by itself; opening it asks for it again). */
export type ContentFileState = 'queued' | 'complete' | 'failed' | 'evicted';

export type ContentFileRow = {
  sha256: string;
  size: number;
  mime: string;
  chunkSize: number;
  chunks: string[];
  state: ContentFileState;
  /** Bytes of verified chunks stored, for progress and readiness without counting chunks. */
  doneBytes: number;
  lastError?: string;
};

export type ContentChunkRow = { sha256: string; index: number; data: Blob };

/** Bytes offset…offset+size of chunk `index`, received but not yet verified (schema version 4). */
export type ChunkPartRow = { sha256: string; index: number; offset: number; data: Blob };

/** Where a viewer stopped, so playback and review resume there. */
export type PlaybackRow = { key: string; position: number; duration: number; updatedAt: number };
