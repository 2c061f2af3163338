// The classroom's local database (IndexedDB via Dexie). Everything the UI shows is read from here, so the app works
// with the hub unreachable; the sync layer is the only writer of hub-owned data (lessons, students).
import Dexie, { type EntityTable } from 'dexie';
import type { Lesson, Student } from '../../shared/protocol.ts';

export type MetaRow = { key: string; value: unknown };

export type AppDb = Dexie & {
  meta: EntityTable<MetaRow, 'key'>;
  lessons: EntityTable<Lesson, 'id'>;
  students: EntityTable<Student, 'id'>;
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
];

export function openAppDb(name = 'ykt-classroom'): AppDb {
  const db = new Dexie(name) as AppDb;
  for (const { version, stores } of schemaVersions) db.version(version).stores(stores);
  return db;
}
