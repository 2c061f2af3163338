// The classroom's local database (IndexedDB via Dexie). Everything the UI shows is read from here, so the app works
// with the hub unreachable; the sync layer is the only writer of hub-owned data (lessons, students).
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Lesson, Student } from '../../shared/protocol.ts';
import type { ContentChunkRow, ContentFileRow, LessonPackRow, PackRow, PlaybackRow } from './content-rows.ts';

export type MetaRow = { key: string; value: unknown };

export type AppDb = Dexie & {
  meta: EntityTable<MetaRow, 'key'>;
  lessons: EntityTable<Lesson, 'id'>;
  students: EntityTable<Student, 'id'>;
  packs: EntityTable<PackRow, 'id'>;
  lessonPacks: Table<LessonPackRow, [string, string]>;
  contentFiles: EntityTable<ContentFileRow, 'sha256'>;
  contentChunks: Table<ContentChunkRow, [string, number]>;
  playback: EntityTable<PlaybackRow, 'key'>;
};

/** Schema versions, oldest first. Never edit a shipped version: add a new one (each has its own test). */
export const schemaVersions: ReadonlyArray<{ version: number; stores: Record<string, string> }> = [
  {
    version: 1,
    stores: {
      meta: 'key',
      lessons: 'id, startsAt, classroomId',
      students: 'id, classroomId, number',
    },
  },
  {
    // Offline content (issue 4). Chunks are stored only once verified, keyed by file hash and index, so a download
    // resumes from exactly what is already good; files are shared by every pack and lesson that uses them.
    version: 3,
    stores: {
      packs: 'id, lastUsedAt',
      lessonPacks: '[lessonId+packId], lessonId, packId',
      contentFiles: 'sha256, state',
      contentChunks: '[sha256+index], sha256',
      playback: 'key, updatedAt',
    },
  },
];

export function openAppDb(name = 'ykt-classroom'): AppDb {
  const db = new Dexie(name) as AppDb;
  for (const { version, stores } of schemaVersions) db.version(version).stores(stores);
  return db;
}
