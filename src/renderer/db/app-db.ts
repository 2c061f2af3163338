// The classroom's local database (IndexedDB via Dexie). Everything the UI shows is read from here, so the app works
// with the hub unreachable; the sync layer is the only writer of hub-owned data (lessons, students).
import Dexie, { type EntityTable } from 'dexie';
import type { AttendanceStatus, Lesson, NoteAnchor, NoteVersion, Op, Quiz, Student } from '../../shared/protocol.ts';

export type MetaRow = { key: string; value: unknown };

/** An op waiting for the hub. `seq` is the IndexedDB key generator's value: per device, increasing, never reused, and
 * sent as the op's sequence number. Rows leave only when the hub acknowledges them; a rejected op stays, visible. */
export type OutboxRow = {
  seq?: number;
  id: string;
  op: DistributiveOmit<Op, 'seq'>;
  status: 'pending' | 'rejected';
  createdAt: string;
  attempts: number;
  reason?: string;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type AttendanceRow = { lessonId: string; studentId: string; status: AttendanceStatus; hlc: string };

/** A note as this device sees it: the version it shows, every version hlc it knows, and unmerged concurrent versions. */
export type NoteRow = {
  noteId: string;
  lessonId: string;
  current: NoteVersion;
  known: string[];
  conflicts: NoteVersion[];
};

export type QuizAnswerRow = {
  id: string;
  lessonId: string;
  quizId: string;
  questionId: string;
  /** null for a class-level tally. */
  studentId: string | null;
  choice: number | null;
  correct: number;
  total: number;
  hlc: string;
};

export type { NoteAnchor };

export type AppDb = Dexie & {
  meta: EntityTable<MetaRow, 'key'>;
  lessons: EntityTable<Lesson, 'id'>;
  students: EntityTable<Student, 'id'>;
  outbox: EntityTable<OutboxRow, 'seq'>;
  attendance: EntityTable<AttendanceRow, 'lessonId'>;
  notes: EntityTable<NoteRow, 'noteId'>;
  quizzes: EntityTable<Quiz, 'id'>;
  quizAnswers: EntityTable<QuizAnswerRow, 'id'>;
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
    version: 2,
    stores: {
      outbox: '++seq, &id, status',
      attendance: '[lessonId+studentId], lessonId',
      notes: 'noteId, lessonId',
      quizzes: 'id, lessonId',
      quizAnswers: 'id, [lessonId+quizId]',
    },
  },
];

export function openAppDb(name = 'ykt-classroom'): AppDb {
  const db = new Dexie(name) as AppDb;
  for (const { version, stores } of schemaVersions) db.version(version).stores(stores);
  return db;
}
